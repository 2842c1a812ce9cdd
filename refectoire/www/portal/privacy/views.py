"""« Mes données »: download the family's data (built by the worker, e-mailed link, once, for its
owner, 7 days) and ask to close the account (decided by an agent)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refectoire.core.forms import add_service_errors
from refectoire.privacy.enums import ErasureState, ExportState
from refectoire.privacy.models import DataExport, ErasureRequest
from refectoire.privacy.services import (
    data_export_download,
    data_export_request,
    erasure_obstacles,
    erasure_request_cancel,
    erasure_request_create,
)
from refectoire.www.portal.access import household_required
from refectoire.www.portal.privacy.forms import ErasureRequestForm


def _latest_export(request, household):
    return DataExport.objects.for_owner(request.user, household).first()


def _context(request, household, form=None):
    return {
        "export": _latest_export(request, household),
        "export_states": ExportState,
        "erasure": ErasureRequest.objects.filter(household=household).first(),
        "erasure_states": ErasureState,
        "obstacles": erasure_obstacles(household=household),
        "form": form or ErasureRequestForm(),
    }


@household_required
def privacy(request, household):
    return render(request, "portal/privacy/page.html", _context(request, household))


@household_required
def export_status(request, household):
    """The export's state alone (read every few seconds by the page while the worker builds it)."""
    return render(
        request,
        "portal/privacy/_export_status.html",
        {"export": _latest_export(request, household), "export_states": ExportState},
    )


@household_required
@require_POST
def export_request(request, household):
    try:
        data_export_request(household=household, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Vos données sont en préparation. Vous recevrez un courriel avec le lien.")
        )
    return redirect("portal:privacy")


@household_required
def export_download(request, household, export_uuid):
    export = get_object_or_404(DataExport.objects.for_owner(request.user, household), uuid=export_uuid)
    try:
        export = data_export_download(export=export, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:privacy")
    if not export.file:
        raise Http404
    response = FileResponse(export.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"mes-donnees-{request.caisse.slug}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@household_required
@require_POST
def erasure_request(request, household):
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            erasure_request_create(
                household=household, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre demande de suppression a été envoyée à la Caisse."))
            return redirect("portal:privacy")
    return render(request, "portal/privacy/page.html", _context(request, household, form), status=400)


@household_required
@require_POST
def erasure_cancel(request, household):
    erasure = get_object_or_404(ErasureRequest.objects.open(), household=household)
    try:
        erasure_request_cancel(request=erasure, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre demande de suppression est annulée."))
    return redirect("portal:privacy")
