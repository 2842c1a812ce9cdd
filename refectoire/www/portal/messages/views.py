""" "Contacter la Caisse": the household's conversations with its Caisse, and the FAQ."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refectoire.documents.enums import DocumentKind
from refectoire.messaging import services
from refectoire.messaging.models import Conversation, FaqEntry
from refectoire.www.portal.access import household_required
from refectoire.www.portal.documents.uploads import store_uploads
from refectoire.www.portal.requests.forms import ConversationForm, ReplyForm


@household_required
def conversation_list(request, household):
    conversations = Conversation.objects.for_user(request.user, request.caisse).with_unread(for_agents=False)
    return render(request, "portal/messages/list.html", {"conversations": conversations})


@household_required
@require_http_methods(["GET", "POST"])
def conversation_create(request, household):
    form = ConversationForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            attachments = store_uploads(request, household, form, ("attachment", DocumentKind.ATTACHMENT))
            conversation = services.conversation_start(
                household=household,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                author=request.user,
                by_agent=False,
                attachments=attachments,
            )
        messages.success(request, _("Votre message a été envoyé à la Caisse."))
        return redirect("portal:conversation_detail", conversation_uuid=conversation.uuid)
    return render(request, "portal/messages/create.html", {"form": form})


@household_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, household, conversation_uuid):
    conversation = get_object_or_404(
        Conversation.objects.for_user(request.user, request.caisse), uuid=conversation_uuid
    )
    form = ReplyForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            attachments = store_uploads(request, household, form, ("attachment", DocumentKind.ATTACHMENT))
            services.conversation_reply(
                conversation=conversation,
                body=form.cleaned_data["body"],
                author=request.user,
                by_agent=False,
                attachments=attachments,
            )
        messages.success(request, _("Votre message a été envoyé."))
        return redirect("portal:conversation_detail", conversation_uuid=conversation.uuid)
    services.conversation_mark_read(conversation=conversation, by_agent=False)
    thread = conversation.messages.select_related("author").prefetch_related("attachments")
    return render(
        request, "portal/messages/detail.html", {"conversation": conversation, "thread": thread, "form": form}
    )


def faq(request):
    """The Caisse's frequently asked questions: public, written by its managers."""
    entries = FaqEntry.objects.filter(caisse=request.caisse)
    return render(request, "portal/messages/faq.html", {"entries": entries})
