"""Conversations with the households, the FAQ and the retention of documents (back office)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.documents import services as document_services
from refectoire.documents.enums import DocumentKind
from refectoire.messaging import services
from refectoire.messaging.models import Conversation, FaqEntry
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.messages.forms import AgentConversationForm, AgentReplyForm, FaqEntryForm


def _store(request, household, form):
    uploaded = form.cleaned_data.get("attachment")
    if not uploaded:
        return []
    return [
        document_services.document_store(
            caisse=request.caisse,
            household=household,
            uploaded_file=uploaded,
            kind=DocumentKind.ATTACHMENT,
            uploaded_by=request.user,
        )
    ]


@agent_required
def conversation_list(request):
    conversations = (
        Conversation.objects.for_caisse(request.caisse)
        .with_unread(for_agents=True)
        .select_related("household")
        .prefetch_related("household__guardians")
    )
    if request.GET.get("unread") == "1":
        conversations = conversations.filter(unread__gt=0)
    return render(request, "backoffice/messages/list.html", {"conversations": conversations[:200]})


@agent_required
@require_http_methods(["GET", "POST"])
def conversation_create(request):
    initial = {"household": request.GET.get("foyer")} if request.GET.get("foyer") else None
    form = AgentConversationForm(
        request.POST or None, request.FILES or None, caisse=request.caisse, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        household = form.cleaned_data["household"]
        with transaction.atomic():
            conversation = services.conversation_start(
                household=household,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                author=request.user,
                by_agent=True,
                attachments=_store(request, household, form),
            )
        messages.success(request, _("Le message est envoyé à la famille."))
        return redirect("backoffice:conversation_detail", conversation_uuid=conversation.uuid)
    return render(request, "backoffice/messages/create.html", {"form": form})


@agent_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, conversation_uuid):
    conversation = get_object_or_404(Conversation.objects.for_caisse(request.caisse), uuid=conversation_uuid)
    form = AgentReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.conversation_reply(
                conversation=conversation,
                body=form.cleaned_data["body"],
                author=request.user,
                by_agent=True,
                attachments=_store(request, conversation.household, form),
            )
        messages.success(request, _("Votre réponse est envoyée ; la famille est prévenue par courriel."))
        return redirect("backoffice:conversation_detail", conversation_uuid=conversation.uuid)
    services.conversation_mark_read(conversation=conversation, by_agent=True)
    thread = conversation.messages.select_related("author").prefetch_related("attachments")
    return render(
        request,
        "backoffice/messages/detail.html",
        {"conversation": conversation, "thread": thread, "form": form},
    )


@manager_required
def faq_list(request):
    return render(
        request,
        "backoffice/messages/faq_list.html",
        {"entries": FaqEntry.objects.filter(caisse=request.caisse)},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def faq_edit(request, entry_uuid=None):
    entry = None
    if entry_uuid is not None:
        entry = get_object_or_404(FaqEntry.objects.filter(caisse=request.caisse), uuid=entry_uuid)
    form = FaqEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.faq_entry_save(caisse=request.caisse, entry=entry, **form.cleaned_data)
        messages.success(request, _("La question est enregistrée."))
        return redirect("backoffice:faq_list")
    return render(request, "backoffice/messages/faq_edit.html", {"form": form, "entry": entry})


@manager_required
@require_POST
def faq_delete(request, entry_uuid):
    entry = get_object_or_404(FaqEntry.objects.filter(caisse=request.caisse), uuid=entry_uuid)
    services.faq_entry_delete(caisse=request.caisse, entry=entry)
    messages.success(request, _("La question est supprimée."))
    return redirect("backoffice:faq_list")
