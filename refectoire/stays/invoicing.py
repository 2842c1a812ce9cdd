"""Invoices of holiday stays: one invoice per confirmed place, and its credit note if the place goes.

Stays own their invoicing and reach billing through its public services only (`invoice_issue`,
`credit_note_create`, `invoices_email_on_commit`); billing never imports stays.

A confirmed stay is invoiced at the household's bracket price, the bracket in force on the
stay's first day (pricing's `brackets_in_force`), or at the stay's fixed price. The invoice is
the household's own document (no billing period), numbered in the Caisse's sequence like every
invoice, payable online at once, and e-mailed to the guardians. Rules in docs/formats-billing.md
("Invoices of holiday stays").
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing.engine import round_money
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.billing.services import credit_note_create, invoice_issue, invoices_email_on_commit
from refectoire.pricing.selectors import NoTariffGrid, bracket_in_force, default_reason
from refectoire.stays.enums import ChoiceState
from refectoire.stays.models import HolidayStay, StayChoice, StayPrice

logger = logging.getLogger(__name__)

# The family has at least this long to pay, and otherwise until the eve of the stay, 30 days at most.
PAYMENT_DELAY_MIN = datetime.timedelta(days=7)
PAYMENT_DELAY_MAX = datetime.timedelta(days=30)


def stay_price_for(stay: HolidayStay, bracket_number: int) -> Decimal:
    """The price of `stay` for a household in bracket `bracket_number` (1..10).

    A fixed price wins; otherwise the stay's price for that bracket. Raises ValueError when the
    stay has no price for the bracket.
    """
    if stay.fixed_price is not None:
        return stay.fixed_price
    price = StayPrice.objects.filter(stay=stay, bracket_number=bracket_number).values_list("price", flat=True)
    if not price:
        raise ValueError(f"stay {stay.uuid} has no price for bracket {bracket_number}")
    return price[0]


@dataclass(frozen=True)
class StayInvoiceDue:
    choice: StayChoice
    household: object
    child: object
    stay: HolidayStay
    # The day whose bracket applies: the stay's first day.
    bracket_day: datetime.date
    bracket_number: int | None
    amount: Decimal | None


def stay_invoices_due(caisse, *, bracket_number_for=None) -> list[StayInvoiceDue]:
    """The confirmed stays of `caisse` not invoiced yet, by first day.

    `bracket_number_for(household=, day=) -> int` gives the household's bracket in force on a day;
    without it, the bracket and amount are None for stays without a fixed price (they are priced
    when the invoice is issued).
    """
    choices = (
        StayChoice.objects.for_caisse(caisse)
        .filter(state=ChoiceState.CONFIRMED, invoice__isnull=True)
        .select_related("stay", "child", "application__household")
        .order_by("stay__start_date", "stay__title", "pk")
    )
    due = []
    for choice in choices:
        household = choice.application.household
        day = choice.stay.start_date
        bracket = bracket_number_for(household=household, day=day) if bracket_number_for else None
        if choice.stay.fixed_price is not None:
            amount = choice.stay.fixed_price
        elif bracket is not None:
            amount = stay_price_for(choice.stay, bracket)
        else:
            amount = None
        due.append(StayInvoiceDue(choice, household, choice.child, choice.stay, day, bracket, amount))
    return due


@transaction.atomic
def stay_choice_mark_invoiced(*, choice: StayChoice, invoice, now=None) -> StayChoice:
    """Record the invoice of a confirmed choice (in the transaction that issues the invoice)."""
    choice = StayChoice.objects.select_for_update().get(pk=choice.pk)
    if choice.state != ChoiceState.CONFIRMED or choice.invoice_id is not None:
        raise ValidationError(_("Ce séjour n'est pas à facturer."))
    if invoice.household_id != choice.application.household_id or invoice.caisse_id != choice.stay.caisse_id:
        raise ValueError("invoice of another household")
    choice.invoiced_at = now or timezone.now()
    choice.invoice = invoice
    choice.save(update_fields=["invoiced_at", "invoice", "updated_at"])
    return choice


@dataclass(frozen=True)
class StayPricing:
    amount: Decimal
    bracket_number: int | None
    family_quotient: Decimal | None
    decision_id: int | None
    reason: str


def stay_pricing(*, stay, household) -> StayPricing:
    """What `household` pays for `stay`: the fixed price, or the price of its bracket on the first day.

    Without a tariff decision the pricing rules give the default (highest) bracket; a Caisse with
    no tariff grid at all for that day gets the highest bracket the stay has a price for. Raises
    ValidationError when the stay has no price for the household's bracket.
    """
    first_day = stay.start_date.strftime("%d/%m/%Y")
    if stay.fixed_price is not None:
        return StayPricing(
            amount=round_money(stay.fixed_price),
            bracket_number=None,
            family_quotient=None,
            decision_id=None,
            reason=_("prix fixe du séjour"),
        )
    try:
        span = bracket_in_force(household=household, day=stay.start_date)
    except NoTariffGrid:
        highest = stay.prices.order_by("-bracket_number").values_list("bracket_number", flat=True).first()
        if highest is None:
            raise ValidationError(
                _("Le séjour « %(stay)s » n'a pas de prix.") % {"stay": stay.title}
            ) from None
        number, quotient, decision, why = highest, None, None, default_reason(highest)
    else:
        number, quotient, decision, why = (
            span.bracket_number,
            span.family_quotient,
            span.decision_id,
            span.reason,
        )
    try:
        amount = stay_price_for(stay, number)
    except ValueError:
        raise ValidationError(
            _("Le séjour « %(stay)s » n'a pas de prix pour le tarif %(bracket)d.")
            % {"stay": stay.title, "bracket": number}
        ) from None
    return StayPricing(
        amount=round_money(amount),
        bracket_number=number,
        family_quotient=quotient,
        decision_id=decision,
        reason=_("%(why)s, tarif en vigueur le premier jour du séjour (%(day)s)")
        % {"why": why, "day": first_day},
    )


def stay_due_date(*, stay, issued_on: datetime.date) -> datetime.date:
    """Pay before the stay starts, within 30 days of the invoice, but never in less than 7 days."""
    latest = min(issued_on + PAYMENT_DELAY_MAX, stay.start_date - datetime.timedelta(days=1))
    return max(issued_on + PAYMENT_DELAY_MIN, latest)


def stay_invoice_label(choice) -> str:
    return (_("Séjour %(stay)s — %(child)s") % {"stay": choice.stay.title, "child": choice.child.first_name})[
        :200
    ]


@transaction.atomic
def stay_invoice_issue(*, choice, actor=None, now=None) -> Invoice | None:
    """Issue the invoice of a confirmed stay choice; returns it, or None when there is nothing to do.

    Idempotent: the choice is locked first, so two calls (two workers, the catch-up command and
    the task) never make two invoices; a choice already invoiced, or no longer confirmed, gives None.
    The invoice and the choice marked invoiced are written in one transaction.
    """
    now = now or timezone.now()
    choice = StayChoice.objects.select_for_update().get(pk=choice.pk)
    if choice.state != ChoiceState.CONFIRMED or choice.invoice_id is not None:
        return None
    choice = StayChoice.objects.select_related("stay__caisse", "child", "application__household").get(
        pk=choice.pk
    )
    stay, child, household = choice.stay, choice.child, choice.application.household
    caisse = stay.caisse
    pricing = stay_pricing(stay=stay, household=household)
    issued_on = timezone.localdate(now)
    invoice = Invoice(
        caisse=caisse,
        household=household,
        period=None,
        kind=InvoiceKind.INVOICE,
        label=stay_invoice_label(choice),
        total=pricing.amount,
        due_date=stay_due_date(stay=stay, issued_on=issued_on),
        payment_opens_at=None,
    )
    invoice_issue(
        invoice=invoice,
        actor=actor,
        message=_("Place confirmée au séjour « %(stay)s ».") % {"stay": stay.title},
        now=now,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=0,
        kind=LineKind.STAY,
        child=child,
        label=(
            _("%(child)s — séjour « %(stay)s » du %(start)s au %(end)s")
            % {
                "child": child.full_name,
                "stay": stay.title,
                "start": stay.start_date.strftime("%d/%m/%Y"),
                "end": stay.end_date.strftime("%d/%m/%Y"),
            }
        )[:200],
        meals=0,
        unit_price=pricing.amount,
        amount=pricing.amount,
        days=[],
        bracket_number=pricing.bracket_number,
        family_quotient=pricing.family_quotient,
        decision_id=pricing.decision_id,
        reason=pricing.reason[:300],
    )
    stay_choice_mark_invoiced(choice=choice, invoice=invoice, now=now)
    invoices_email_on_commit([invoice.pk])
    return invoice


def stay_invoices_issue_due(*, caisse, actor=None, now=None) -> tuple[list[Invoice], list[str]]:
    """Catch up: invoice every confirmed stay of `caisse` not invoiced yet, each in its own transaction.

    Returns the invoices issued and, for the choices that could not be (no price for the
    bracket…), one message each; the others go on.
    """
    issued, errors = [], []
    for due in stay_invoices_due(caisse):
        try:
            invoice = stay_invoice_issue(choice=due.choice, actor=actor, now=now)
        except ValidationError as error:
            errors.append(f"{due.child.full_name} — {due.stay.title} : {' '.join(error.messages)}")
            continue
        if invoice is not None:
            issued.append(invoice)
    return issued, errors


@transaction.atomic
def stay_invoice_credit(*, choice, actor=None, reason: str = "") -> Invoice | None:
    """The place of an invoiced stay is cancelled: a credit note of what is left of its invoice.

    The whole price is credited, paid or not: what was unpaid is no longer due, what was paid
    becomes the household's overpayment (trop-perçu), refunded through the usual refund. Called
    by the stays' cancellation, inside its transaction; None when there is nothing to credit.
    """
    invoice = choice.invoice
    if invoice is None:
        return None
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    rest = invoice.total - invoice.amount_credited
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceState.ISSUED or rest <= 0:
        return None
    reason = reason.strip() or _("Place annulée.")
    label = _("Annulation : %(label)s") % {"label": invoice.label}
    return credit_note_create(
        invoice=invoice,
        reason=_("Place au séjour annulée — %(reason)s") % {"reason": reason},
        lines=[(label[:200], rest)],
        actor=actor,
    )


__all__ = [
    "StayInvoiceDue",
    "StayPricing",
    "stay_choice_mark_invoiced",
    "stay_due_date",
    "stay_invoice_credit",
    "stay_invoice_issue",
    "stay_invoices_due",
    "stay_invoices_issue_due",
    "stay_price_for",
    "stay_pricing",
]
