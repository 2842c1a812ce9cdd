"""Parents' invoices: "Factures", detail, PDF, balance and payments of the household."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from refectoire.billing.models import Invoice
from refectoire.billing.pdf import invoice_pdf as render_invoice_pdf
from refectoire.billing.selectors import invoice_detail_context
from refectoire.caisses.urls import caisse_reverse
from refectoire.households.models import Household
from refectoire.payments.models import Payment
from refectoire.payments.services import household_balance, payfip_settings_for, pending_invoice_ids


def _household(request):
    return Household.objects.for_user(request.user, request.caisse).first()


def _invoice(request, invoice_uuid) -> Invoice:
    queryset = Invoice.objects.for_user(request.user, request.caisse).select_related(
        "household", "caisse", "period"
    )
    return get_object_or_404(queryset, uuid=invoice_uuid)


@login_required
def invoice_list(request):
    household = _household(request)
    invoices, payments, balance = [], [], None
    if household is not None:
        invoices = list(
            Invoice.objects.for_user(request.user, request.caisse)
            .filter(household=household)
            .order_by("-number")
        )
        pending = pending_invoice_ids([invoice.pk for invoice in invoices])
        today = timezone.localdate()
        for invoice in invoices:
            invoice.display_state = (
                "paiement en cours" if invoice.pk in pending else invoice.payable_state_label(today)
            )
            invoice.state_code = "in_progress" if invoice.pk in pending else invoice.payable_state(today)
        payments = list(Payment.objects.filter(household=household).order_by("-paid_on", "-pk"))
        balance = household_balance(household=household)
    payfip = payfip_settings_for(request.caisse)
    now = timezone.now()
    several = [
        invoice
        for invoice in invoices
        if invoice.state_code in ("to_pay", "late")
        and invoice.amount_due > 0
        and invoice.payment_is_open(now)
    ]
    return render(
        request,
        "portal/invoices/list.html",
        {
            "household": household,
            "invoices": invoices,
            "payments": payments,
            "balance": balance,
            "grouped_payment": bool(payfip and payfip.allow_grouped_payment and len(several) > 1),
            "several": several,
        },
    )


@login_required
def invoice_detail(request, invoice_uuid):
    invoice = _invoice(request, invoice_uuid)
    context = invoice_detail_context(invoice)
    pending = bool(pending_invoice_ids([invoice.pk]))
    context.update(
        {
            "display_state": "paiement en cours" if pending else invoice.payable_state_label(),
            "payment_pending": pending,
            "can_pay": not pending
            and invoice.amount_due > 0
            and payfip_settings_for(request.caisse) is not None,
            "payment_open": invoice.payment_is_open(),
        }
    )
    return render(request, "portal/invoices/detail.html", context)


@login_required
def invoice_pdf(request, invoice_uuid):
    invoice = _invoice(request, invoice_uuid)
    if invoice.number is None:
        raise Http404
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="facture-{invoice.number}.pdf"'
    return response


def dashboard_tiles(request) -> list[dict]:
    """The « Factures » tile of the parent's dashboard (for the lead to include next to the others)."""
    household = _household(request)
    if household is None:
        return []
    unpaid = Invoice.objects.for_user(request.user, request.caisse).filter(household=household).unpaid()
    count = unpaid.count()
    return [
        {
            "title": "Factures",
            "url": caisse_reverse(request.caisse, "portal:invoice_list"),
            "state_label": f"{count} facture(s) à payer" if count else "Aucune facture à payer",
            "text": "Consulter, télécharger et payer vos factures de restauration.",
        }
    ]
