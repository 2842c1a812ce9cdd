"""Agents' accounting exports: each issued period's invoices (CSV, PES V2), and the invoices without
a period (holiday stays) issued between two days."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from refectoire.billing.enums import RunState
from refectoire.billing.exports import invoices_csv, pes_ormc, pes_ormc_stays, pes_refusal, stay_invoices
from refectoire.schools.models import BillingPeriod
from refectoire.www.backoffice.access import agent_required
from refectoire.www.backoffice.exports.forms import StayExportForm


@agent_required
def period_export(request, period_uuid, fmt):
    period = get_object_or_404(BillingPeriod.objects.for_caisse(request.caisse), uuid=period_uuid)
    if fmt == "pes":
        try:
            content = pes_ormc(caisse=request.caisse, period=period)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("backoffice:billing_exports")
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = (
            f'attachment; filename="PESORMC-{request.caisse.slug}-{period.code}.xml"'
        )
        return response
    response = HttpResponse(invoices_csv(caisse=request.caisse, period=period), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="factures-{request.caisse.slug}-{period.code}.csv"'
    )
    return response


@agent_required
def exports(request):
    """Accounting exports: each issued period's, and the invoices without a period (holiday stays)
    issued between two days, the same files as `manage.py export_invoices --issued-from/--issued-to`."""
    form = StayExportForm(request.GET if "issued_from" in request.GET else None)
    if form.is_valid():
        first, last, fmt = (form.cleaned_data[key] for key in ("issued_from", "issued_to", "fmt"))
        dates = f"{first.isoformat()}_{last.isoformat()}"
        if fmt == "pes":
            try:
                content = pes_ormc_stays(caisse=request.caisse, first_day=first, last_day=last)
            except ValidationError as error:
                form.add_error(None, error)
                return _exports_page(request, form)
            response = HttpResponse(content, content_type="application/xml")
            filename = f"PESORMC-{request.caisse.slug}-sejours-{dates}.xml"
        else:
            invoices = stay_invoices(caisse=request.caisse, first_day=first, last_day=last)
            response = HttpResponse(
                invoices_csv(caisse=request.caisse, invoices=invoices), content_type="text/csv"
            )
            filename = f"factures-sejours-{request.caisse.slug}-{dates}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return _exports_page(request, form)


def _exports_page(request, form):
    periods = (
        BillingPeriod.objects.for_caisse(request.caisse)
        .filter(run__state=RunState.ISSUED)
        .order_by("-start_date")
    )
    return render(
        request,
        "backoffice/billing/exports.html",
        {"form": form, "periods": periods, "pes_refusal": pes_refusal(request.caisse)},
    )
