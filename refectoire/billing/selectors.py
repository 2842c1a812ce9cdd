"""Reads of billing for screens, PDFs and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refectoire.billing.enums import InvoiceKind
from refectoire.billing.models import Invoice
from refectoire.core.money import format_euros


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
        parts.append(f"quotient familial {format_euros(line.family_quotient)}")
    if line.decision_id:
        parts.append(f"décision n° {line.decision_id}")
    return " — ".join(parts)


@dataclass(frozen=True)
class Debtor:
    """Who owes an invoice: the household (its account holder's name and address), or the adult."""

    reference: str
    last_name: str
    first_name: str
    name: str
    street: str
    postcode: str
    city: str


def debtor_reference(invoice: Invoice) -> str:
    """The household's reference (its UUID when none), or the adult's account identifier (username)."""
    if invoice.adult_registration_id:
        return invoice.adult_registration.user.username
    return invoice.household.reference or str(invoice.household.uuid)


def invoice_debtor(invoice: Invoice) -> Debtor:
    """The household's primary guardian, or for an adult's invoice the adult's account (User).

    `reference`: the household's reference (its UUID when none), or the adult's account
    identifier (username) for an adult's invoice.
    """
    if invoice.adult_registration_id:
        user = invoice.adult_registration.user
        return Debtor(
            reference=debtor_reference(invoice),
            last_name=user.last_name,
            first_name=user.first_name,
            name=user.display_name or user.username,
            street=" ".join(part for part in [user.street_number, user.street_name] if part),
            postcode=user.postcode,
            city=user.city,
        )
    household = invoice.household
    guardian = household.primary_guardian
    return Debtor(
        reference=debtor_reference(invoice),
        last_name=guardian.last_name if guardian else str(household),
        first_name=guardian.first_name if guardian else "",
        name=guardian.full_name if guardian else str(household),
        street=f"{guardian.street_number} {guardian.street_name}".strip() if guardian else "",
        postcode=guardian.postcode if guardian else "",
        city=guardian.city if guardian else "",
    )


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
    registration = invoice.adult_registration
    return {
        "invoice": invoice,
        "caisse": invoice.caisse,
        "household": household,
        "guardian": household.primary_guardian if household is not None else None,
        "adult_registration": registration,
        "debtor": invoice_debtor(invoice),
        "lines": lines,
        "allocations": allocations,
        "credit_notes": list(invoice.credit_notes.order_by("number"))
        if invoice.kind == InvoiceKind.INVOICE
        else [],
        "payfip_reference": invoice.number,
    }


def unpaid_invoice_count(household) -> int:
    """How many issued invoices of `household` still wait for payment (the dashboard's « Factures » tile)."""
    return Invoice.objects.filter(household=household).unpaid().count()
