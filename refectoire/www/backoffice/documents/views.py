"""Documents in the back office: their retention period and their download."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.documents import services as document_services
from refectoire.documents.models import Document, DocumentDeletion, RetentionPolicy
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.documents.forms import RetentionForm
from refectoire.www.files import document_response


@manager_required
@require_http_methods(["GET", "POST"])
def retention_edit(request):
    policy = RetentionPolicy.objects.filter(caisse=request.caisse).first() or RetentionPolicy(
        caisse=request.caisse
    )
    form = RetentionForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        document_services.retention_policy_set(
            caisse=request.caisse, closed_request_days=form.cleaned_data["closed_request_days"]
        )
        messages.success(request, _("La durée de conservation est enregistrée."))
        return redirect("backoffice:retention_edit")
    deletions = DocumentDeletion.objects.filter(caisse=request.caisse)[:50]
    return render(request, "backoffice/messages/retention.html", {"form": form, "deletions": deletions})


@agent_required
def document_download(request, document_uuid):
    document = get_object_or_404(Document.objects.for_caisse(request.caisse).available(), uuid=document_uuid)
    access_log_for_request(
        request, kind=AccessKind.DOCUMENT, object_id=document.uuid, household_id=document.household_id
    )
    return document_response(document)
