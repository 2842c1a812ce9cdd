"""Invoices of holiday stays: one invoice per confirmed place, and its credit note if the place goes.

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
from refectoire.billing.services import _transition, credit_note_create, reserve_numbers

logger = logging.getLogger(__name__)

# The family has at least this long to pay, and otherwise until the eve of the stay, 30 days at most.
PAYMENT_DELAY_MIN = datetime.timedelta(days=7)
PAYMENT_DELAY_MAX = datetime.timedelta(days=30)


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
    from refectoire.pricing.selectors import NoTariffGrid, bracket_in_force, default_reason
    from refectoire.stays.services import stay_price_for

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
    from refectoire.stays.enums import ChoiceState
    from refectoire.stays.models import StayChoice
    from refectoire.stays.services import stay_choice_mark_invoiced

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
    number = reserve_numbers(caisse=caisse, count=1)
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
    event = _transition(
        invoice,
        InvoiceState.ISSUED,
        actor=actor,
        action="issued",
        message=_("Place confirmée au séjour « %(stay)s ».") % {"stay": stay.title},
    )
    invoice.number = number
    invoice.issued_at = now
    invoice.save()
    event.invoice = invoice
    event.save()
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

    def notify():
        from refectoire.billing.tasks import send_invoice_emails

        send_invoice_emails.enqueue([invoice.pk])

    transaction.on_commit(notify)
    return invoice


def stay_invoices_issue_due(*, caisse, actor=None, now=None) -> tuple[list[Invoice], list[str]]:
    """Catch up: invoice every confirmed stay of `caisse` not invoiced yet, each in its own transaction.

    Returns the invoices issued and, for the choices that could not be (no price for the
    bracket…), one message each; the others go on.
    """
    from refectoire.stays.services import stay_invoices_due

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
    "StayPricing",
    "stay_due_date",
    "stay_invoice_credit",
    "stay_invoice_issue",
    "stay_invoices_issue_due",
    "stay_pricing",
]
