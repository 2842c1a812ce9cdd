"""Reads of billing for screens, PDFs and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from refectoire.billing.debits import debit_plans
from refectoire.billing.enums import InvoiceKind, InvoiceState
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.core.money import format_euros
from refectoire.households.models import Guardian


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
    civility: str = ""  # Civility value (« m », « mme »), blank when unknown


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
            civility=user.civility,
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
        civility=guardian.civility if guardian else "",
    )


def invoice_detail_context(invoice: Invoice) -> dict:
    """What an invoice page and its PDF show. The payments that settle it are read through the
    reverse relation payments adds to Invoice (`allocations`): billing imports nothing of payments."""
    lines = list(invoice.lines.select_related("child").order_by("position"))
    for line in lines:
        line.reason_text = line_reason(line)
        line.billed_days = [date.fromisoformat(day) for day in line.days]
    allocations = list(invoice.allocations.recorded())
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
        "debit_plan": debit_plans([invoice]).get(invoice.pk) if invoice.number is not None else None,
    }


def unpaid_invoice_count(household) -> int:
    """How many issued invoices of `household` still wait for payment (the dashboard's « Factures » tile)."""
    return Invoice.objects.filter(household=household).unpaid().count()


def run_issue_summary(run) -> dict:
    """What « Émettre les factures » will do, for the manager to confirm: how many drafts (households,
    adults), their total, the credits they deduct, how many go to someone without an e-mail address."""
    drafts = Invoice.objects.filter(period=run.period, kind=InvoiceKind.INVOICE, state=InvoiceState.DRAFT)
    reachable = Exists(
        Guardian.objects.filter(household=OuterRef("household")).filter(
            Q(user__email__gt="") | Q(email__gt="")
        )
    )
    rows = list(
        drafts.annotate(reachable=reachable).values_list(
            "total", "household_id", "adult_registration__user__email", "reachable"
        )
    )
    # Summed in Python: the totals are Decimal, never a float from the database's SUM.
    total = sum((row[0] for row in rows), Decimal("0.00"))
    without_email = sum(
        1 for _total, household, adult_email, ok in rows if not (ok if household else adult_email)
    )
    credits = sum(
        InvoiceLine.objects.filter(invoice__in=drafts, credit_id__isnull=False).values_list(
            "amount", flat=True
        ),
        Decimal("0.00"),
    )
    return {
        "count": len(rows),
        "households": sum(1 for row in rows if row[1]),
        "adults": sum(1 for row in rows if not row[1]),
        "total": total.quantize(Decimal("0.01")),
        "zero": sum(1 for row in rows if row[0] == 0),
        "credits": (-credits if credits < 0 else credits).quantize(Decimal("0.01")),
        "emails": len(rows) - without_email,
        "without_email": without_email,
    }
