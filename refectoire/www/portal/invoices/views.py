"""Parents' invoices: "Factures", detail, PDF, balance and payments of the household."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from refectoire.billing.enums import PORTAL_STATE_LABELS, InvoiceKind, InvoiceState, PayableState
from refectoire.billing.models import Invoice
from refectoire.billing.pdf import invoice_pdf as render_invoice_pdf
from refectoire.billing.selectors import invoice_detail_context
from refectoire.directdebit.selectors import sepa_settings_for, with_debit_flags
from refectoire.payments.guards import online_payment_refusals
from refectoire.payments.models import Payment
from refectoire.payments.services import balance_of, payfip_settings_for, pending_invoice_ids
from refectoire.www.portal import access


def _readable(request):
    """The invoices the user may read in this Caisse; where the Caisse offers direct debit, each told
    in the same query what its debit needs (`with_debit_flags`): the page's notice and the online
    payment guard then read (almost) nothing more."""
    invoices = Invoice.objects.for_user(request.user, request.caisse)
    return with_debit_flags(invoices) if sepa_settings_for(request.caisse) is not None else invoices


def _invoice(request, invoice_uuid) -> Invoice:
    queryset = (
        _readable(request)
        .select_related("household", "caisse", "period")
        .prefetch_related("household__guardians")
    )
    return get_object_or_404(queryset, uuid=invoice_uuid)


@login_required
def invoice_list(request):
    household = access.household(request, validated_only=False, related=())
    invoices, payments, balance = [], [], None
    # The household's invoices and the user's own adult meals' (restauration adulte): one query.
    readable = list(_readable(request).order_by("-number"))
    adult = [invoice for invoice in readable if invoice.adult_registration_id is not None]
    if household is not None:
        invoices = [invoice for invoice in readable if invoice.household_id == household.pk]
        pending = pending_invoice_ids([invoice.pk for invoice in invoices])
        today = timezone.localdate()
        for invoice in invoices:
            invoice.state_code = (
                PayableState.IN_PROGRESS if invoice.pk in pending else invoice.payable_state(today)
            )
            invoice.display_state = (
                PORTAL_STATE_LABELS[PayableState.IN_PROGRESS]
                if invoice.pk in pending
                else invoice.portal_state_label(today)
            )
        payments = list(Payment.objects.filter(household=household).order_by("-paid_on", "-pk"))
        balance = balance_of(invoices=invoices, payments=payments)
    payfip = payfip_settings_for(request.caisse)
    now = timezone.now()
    debited = online_payment_refusals(invoices)
    several = [
        invoice
        for invoice in invoices
        if invoice.pk not in debited
        and invoice.state_code in ("to_pay", "late")
        and invoice.amount_due > 0
        and invoice.payment_is_open(now)
    ]
    return render(
        request,
        "portal/invoices/list.html",
        {
            "adult_invoices": adult_invoices_summary(request, adult),
            "household": household,
            "invoices": invoices,
            "payments": payments,
            "balance": balance,
            "grouped_payment": bool(payfip and payfip.allow_grouped_payment and len(several) > 1),
            "several": several,
            "directdebit_offered": household is not None and sepa_settings_for(request.caisse) is not None,
        },
    )


def adult_invoices_summary(request, readable=None) -> dict | None:
    """The user's own invoices of the restauration adulte (school staff), kept apart from the
    household's: how many, how many unpaid and what is left to pay; None without any.
    `readable`: the user's adult invoices and credit notes when the page read them already."""
    if readable is None:
        readable = Invoice.objects.for_adult(request.user, request.caisse)
    adult = [invoice for invoice in readable if invoice.kind == InvoiceKind.INVOICE]
    if not adult:
        return None
    unpaid = [invoice for invoice in adult if invoice.state == InvoiceState.ISSUED and invoice.amount_due > 0]
    return {
        "count": len(adult),
        "unpaid": len(unpaid),
        "due": sum((invoice.amount_due for invoice in unpaid), Decimal("0.00")),
    }


@login_required
def invoice_detail(request, invoice_uuid):
    invoice = _invoice(request, invoice_uuid)
    context = invoice_detail_context(invoice)
    pending = bool(pending_invoice_ids([invoice.pk]))
    context.update(
        {
            "display_state": PORTAL_STATE_LABELS[PayableState.IN_PROGRESS]
            if pending
            else invoice.portal_state_label(),
            "state_code": PayableState.IN_PROGRESS if pending else invoice.payable_state(),
            "opens_at": timezone.localtime(invoice.payment_opens_at) if invoice.payment_opens_at else None,
            "payment_pending": pending,
            "can_pay": not pending
            and invoice.amount_due > 0
            and not online_payment_refusals([invoice])
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
