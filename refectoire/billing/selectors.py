"""Reads of billing for screens, PDFs and exports."""

from __future__ import annotations

from datetime import date

from refectoire.billing.enums import InvoiceKind
from refectoire.billing.models import Invoice


def line_reason(line) -> str:
    """Why a line's price is what it is: bracket, family quotient, decision — or tarif 10 by default."""
    if line.credit_id is not None or line.kind == "credit":
        return line.reason or line.label
    if line.reason:
        return line.reason
    if line.bracket_number is None:
        return ""
    parts = [f"tarif {line.bracket_number}"]
    if line.family_quotient is not None:
        parts.append(f"quotient familial {line.family_quotient} €")
    if line.decision_id:
        parts.append(f"décision n° {line.decision_id}")
    return " — ".join(parts)


def invoice_detail_context(invoice: Invoice) -> dict:
    from refectoire.payments.models import PaymentAllocation

    lines = list(invoice.lines.select_related("child").order_by("position"))
    for line in lines:
        line.reason_text = line_reason(line)
        line.billed_days = [date.fromisoformat(day) for day in line.days]
    allocations = list(
        PaymentAllocation.objects.filter(invoice=invoice, payment__state="recorded")
        .select_related("payment")
        .order_by("payment__paid_on", "pk")
    )
    household = invoice.household
    return {
        "invoice": invoice,
        "caisse": invoice.caisse,
        "household": household,
        "guardian": household.primary_guardian,
        "lines": lines,
        "allocations": allocations,
        "credit_notes": list(invoice.credit_notes.order_by("number"))
        if invoice.kind == InvoiceKind.INVOICE
        else [],
        "payfip_reference": invoice.number,
    }
