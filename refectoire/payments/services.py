"""Use cases of payments: online payment through PayFIP, manual payments, refunds, balance."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from refectoire.billing.enums import InvoiceKind, InvoiceState
from refectoire.billing.models import Invoice, InvoiceEvent
from refectoire.core import reference
from refectoire.core.lifecycle import AGENT, SYSTEM, check_move, transition
from refectoire.core.money import format_euros, money_sum
from refectoire.households.models import Household
from refectoire.payments.enums import (
    FINAL_OPERATION_STATES,
    MANUAL_METHODS,
    OperationState,
    PayfipBackend,
    PaymentMethod,
    PaymentState,
)
from refectoire.payments.guards import online_payment_refusals
from refectoire.payments.models import (
    OperationInvoice,
    PayfipOperation,
    PayfipSettings,
    Payment,
    PaymentAllocation,
    PaymentLog,
)
from refectoire.payments.payfip import PayfipClient, to_cents

logger = logging.getLogger(__name__)

# An idop lives 15 minutes; PayFIP keeps answering P5 ("in progress") for up to 2 hours.
OPERATION_LIFETIME = datetime.timedelta(minutes=120)
# Once the idop can no longer be paid (15 minutes, and a margin), an attempt still "in progress"
# is an abandoned one: after asking PayFIP, a new payment may start, or an agent close it.
RETRY_DELAY = datetime.timedelta(minutes=20)


def payfip_settings_for(caisse) -> PayfipSettings | None:
    payfip = reference.cached(  # the process's reference cache, core/reference.py
        "payfip",
        getattr(caisse, "pk", caisse),
        None,
        lambda: PayfipSettings.objects.filter(caisse=caisse, is_active=True).first(),
    )
    if payfip and payfip.backend == PayfipBackend.DUMMY and not (settings.DEMO or settings.TESTING):
        return None  # the dummy backend trusts its return address: never in production
    return payfip


def pending_invoice_ids(invoice_ids) -> set[int]:
    """Invoices with an online payment in progress (paiement en cours)."""
    return set(
        OperationInvoice.objects.filter(
            invoice_id__in=list(invoice_ids), operation__state=OperationState.PENDING
        ).values_list("invoice_id", flat=True)
    )


def payable_invoices(*, household) -> list[Invoice]:
    """Unpaid issued invoices of the household, oldest first."""
    return list(Invoice.objects.filter(household=household).unpaid().order_by("issued_at", "number"))


def _allocate(*, payment: Payment, shares: list[tuple[Invoice, Decimal]]) -> Decimal:
    """Settle invoices (locked by the caller) with the payment; returns what is left unallocated."""
    left = payment.amount
    rows = []
    for invoice, wanted in shares:
        amount = min(wanted, invoice.amount_due, left)
        if amount <= 0:
            continue
        rows.append(PaymentAllocation(payment=payment, invoice=invoice, amount=amount))
        invoice.amount_paid += amount
        invoice.save(update_fields=["amount_paid", "updated_at"])
        InvoiceEvent.objects.create(
            invoice=invoice,
            actor=payment.recorded_by,
            from_state=invoice.state,
            to_state=invoice.state,
            action="payment",
            message=_payment_words(payment)
            if amount == payment.amount
            else _("%(payment)s, dont %(amount)s pour cette facture")
            % {"payment": _payment_words(payment), "amount": format_euros(amount)},
        )
        left -= amount
    PaymentAllocation.objects.bulk_create(rows)
    return left


# Online payment --------------------------------------------------------------------------


def _refdet(invoices: list[Invoice]) -> str:
    if len(invoices) == 1:
        return str(invoices[0].number)
    return f"{invoices[0].number}G{len(invoices)}"


def pending_attempt(invoice_ids) -> PayfipOperation | None:
    """The online payment in progress for one of these invoices, if any (the latest)."""
    return (
        PayfipOperation.objects.pending()
        .filter(shares__invoice_id__in=list(invoice_ids))
        .order_by("-created_at")
        .first()
    )


def retry_from(operation: PayfipOperation) -> datetime.datetime:
    """When a parent may start a new payment if this one does not end (the idop has expired)."""
    return operation.created_at + RETRY_DELAY


def answer_awaited_until(operation: PayfipOperation) -> datetime.datetime:
    """Until when PayFIP may still give the result of this attempt."""
    return operation.created_at + OPERATION_LIFETIME


def _hour(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(day)s à %(hour)s") % {"day": local.strftime("%d/%m/%Y"), "hour": local.strftime("%Hh%M")}


def payfip_operation_close(*, operation: PayfipOperation, actor=None, now=None) -> PayfipOperation:
    """Close an online payment attempt left « en cours » (the parent left PayFIP's page).

    PayFIP is asked first, outside any transaction: paid, refused or cancelled, its answer is
    recorded as always (exactly once). Still without a result once the idop has expired, the
    attempt is closed (expired) with who closed it, so that a new payment can start; its
    invoices are never paid twice, since a closed attempt is never recorded afterwards.
    """
    now = now or timezone.now()
    if operation.state != OperationState.PENDING:
        return operation
    if now < retry_from(operation):
        raise ValidationError(
            _("Ce paiement en ligne vient de commencer : il peut être clos à partir du %(when)s.")
            % {"when": _hour(retry_from(operation))}
        )
    operation = payfip_operation_settle(idop=operation.idop, source="close") or operation
    with transaction.atomic():
        locked = PayfipOperation.objects.select_for_update().get(pk=operation.pk)
        if locked.state != OperationState.PENDING:
            return locked
        return transition(
            locked,
            OperationState.EXPIRED,
            actor=actor,
            by=SYSTEM,
            action="closed",
            message=_("Paiement en ligne resté en cours, clos le %(when)s.") % {"when": _hour(now)},
            settled_at=now,
            bank_status="abandonné : sans réponse de PayFIP après l'expiration de l'idop",
        )


def payfip_operation_start(*, invoices: list[Invoice], now=None, **kwargs) -> tuple[PayfipOperation, str]:
    """Start an online payment (see `_payfip_operation_start`); an attempt left « en cours »
    on these invoices past the retry delay is first checked with PayFIP and closed."""
    now = now or timezone.now()
    for _attempt in range(3):
        stale = pending_attempt([invoice.pk for invoice in invoices])
        if stale is None or now < retry_from(stale):
            break
        payfip_operation_close(operation=stale, now=now)
    return _payfip_operation_start(invoices=invoices, now=now, **kwargs)


@transaction.atomic
def _payfip_operation_start(
    *,
    caisse,
    household=None,
    adult_registration=None,
    invoices: list[Invoice],
    user,
    return_url: str,
    notify_url: str,
    now=None,
) -> tuple[PayfipOperation, str]:
    """Ask PayFIP for an idop for these invoices (oldest first); returns it and where to pay.

    The payer is a household, or an adult paying the invoices of their adult meals (`adult_registration`).
    """
    if (household is None) == (adult_registration is None):
        raise ValueError("a payment is a household's or an adult's")
    now = now or timezone.now()
    payfip = payfip_settings_for(caisse)
    if payfip is None:
        raise ValidationError(_("Le paiement en ligne n'est pas proposé par la Caisse."))
    if not invoices:
        raise ValidationError(_("Choisissez au moins une facture à payer."))
    if len(invoices) > 1 and not payfip.allow_grouped_payment:
        raise ValidationError(_("La Caisse ne permet de payer qu'une facture à la fois."))
    locked = list(
        Invoice.objects.select_for_update()
        .filter(
            pk__in=[invoice.pk for invoice in invoices],
            household=household,
            adult_registration=adult_registration,
            caisse=caisse,
        )
        .order_by("issued_at", "number")
    )
    if len(locked) != len(invoices):
        raise ValidationError(_("Facture inconnue."))
    for invoice in locked:
        if (
            invoice.kind != InvoiceKind.INVOICE
            or invoice.state != InvoiceState.ISSUED
            or invoice.amount_due <= 0
        ):
            raise ValidationError(_("La facture %(number)s n'est plus à payer.") % {"number": invoice.number})
        if not invoice.payment_is_open(now):
            raise ValidationError(
                _("Le paiement en ligne est disponible à partir du %(when)s.")
                % {"when": timezone.localtime(invoice.payment_opens_at).strftime("%d/%m/%Y à %Hh%M")}
            )
    refusals = online_payment_refusals(locked)
    if refusals:
        raise ValidationError(next(iter(refusals.values())), code="debited")
    pending = pending_attempt([invoice.pk for invoice in locked])
    if pending is not None:
        raise ValidationError(
            _(
                "Un paiement est en cours pour cette facture : nous attendons la réponse de PayFIP. Si vous avez "
                "quitté la page de PayFIP, vous pourrez payer à nouveau à partir du %(when)s."
            )
            % {"when": _hour(retry_from(pending))}
        )
    email = (user.email or "").strip()
    if not 6 <= len(email) <= 80:
        raise ValidationError(_("Une adresse électronique valide est nécessaire pour payer en ligne."))
    amount = sum((invoice.amount_due for invoice in locked), Decimal("0.00"))
    if amount < 1:
        raise ValidationError(
            _("PayFIP n'accepte pas de paiement de moins de %(minimum)s.") % {"minimum": format_euros(1)}
        )
    refdet = _refdet(locked)
    client = PayfipClient(payfip, return_url=return_url, notify_url=notify_url)
    idop, url = client.create(
        amount=amount,
        email=email,
        refdet=refdet,
        exer=str(now.year),
        subject=f"{caisse.name} facture {refdet}",
    )
    operation = PayfipOperation.objects.create(
        caisse=caisse,
        household=household,
        adult_registration=adult_registration,
        user=user,
        idop=idop,
        refdet=refdet,
        amount=amount,
        email=email,
    )
    OperationInvoice.objects.bulk_create(
        [
            OperationInvoice(operation=operation, invoice=invoice, amount=invoice.amount_due)
            for invoice in locked
        ]
    )
    PaymentLog.objects.create(
        caisse=caisse,
        actor=user,
        operation=operation,
        action="started",
        message=f"{refdet} {format_euros(amount)}",
    )
    return operation, url


def payfip_operation_settle(*, idop: str, source: str, query_string: str = "") -> PayfipOperation | None:
    """Learn from PayFIP what became of `idop` and record the payment, exactly once.

    Called by the notification, the parent's return and the periodic check, in any number,
    order or concurrency: the answer comes from PayFIP itself, the operation row is locked and
    the payment is unique per operation. An unknown idop changes nothing.
    """
    operation = PayfipOperation.objects.filter(idop=idop).select_related("caisse").first()
    if operation is None:
        logger.warning("PayFIP: idop inconnu %r (%s), ignoré", idop[:64], source)
        return None
    if operation.state in FINAL_OPERATION_STATES:
        return operation
    payfip = PayfipSettings.objects.get(caisse=operation.caisse)
    client = PayfipClient(payfip)
    try:
        if payfip.backend == PayfipBackend.DUMMY:
            outcome = client.dummy_response(query_string) if query_string else None
            if outcome is None:
                return operation
            if outcome.state == "error":
                outcome.state = OperationState.REFUSED
        else:
            outcome = client.status(idop=operation.idop, created_at=operation.created_at)
    except Exception as error:  # PayFIP unreachable or in error: the periodic check will retry
        logger.warning("PayFIP: %s pour %s (%s)", error, idop, source)
        PaymentLog.objects.create(
            caisse=operation.caisse, operation=operation, action="error", message=str(error)
        )
        return operation
    return _record_outcome(operation_id=operation.pk, outcome=outcome, source=source)


@transaction.atomic
def _record_outcome(*, operation_id: int, outcome, source: str) -> PayfipOperation:
    operation = (
        PayfipOperation.objects.select_for_update(of=("self",)).select_related("caisse").get(pk=operation_id)
    )
    if operation.state in FINAL_OPERATION_STATES or outcome.state == OperationState.PENDING:
        return operation
    if outcome.state == "error":
        PaymentLog.objects.create(
            caisse=operation.caisse, operation=operation, action="error", message=outcome.bank_status
        )
        return operation
    now = timezone.now()
    operation.bank_status = outcome.bank_status[:200]
    operation.bank_data = outcome.bank_data or {}
    operation.settled_at = now
    if outcome.state == OperationState.PAID:
        mismatch = []
        if outcome.amount_cents != to_cents(operation.amount):
            mismatch.append(f"montant {outcome.amount_cents} ≠ {to_cents(operation.amount)}")
        if outcome.refdet != operation.refdet:
            mismatch.append(f"référence {outcome.refdet!r} ≠ {operation.refdet!r}")
        if mismatch:
            message = "; ".join(mismatch)
            logger.error("PayFIP: paiement %s refusé (%s)", operation.idop, message)
            return transition(
                operation, OperationState.REJECTED, actor=None, by=SYSTEM, action="rejected", message=message
            )
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    caisse=operation.caisse,
                    household_id=operation.household_id,
                    adult_registration_id=operation.adult_registration_id,
                    method=PaymentMethod.PAYFIP,
                    amount=operation.amount,
                    paid_on=timezone.localdate(now),
                    reference=f"PayFIP {operation.idop}",
                    operation=operation,
                )
        except IntegrityError:  # already recorded (one payment per operation)
            return transition(
                operation, OperationState.PAID, actor=None, by=SYSTEM, action="paid", message=source
            )
        shares = list(
            operation.shares.select_related("invoice").order_by("invoice__issued_at", "invoice__number")
        )
        invoices = {
            invoice.pk: invoice
            for invoice in Invoice.objects.select_for_update().filter(pk__in=[s.invoice_id for s in shares])
        }
        _allocate(payment=payment, shares=[(invoices[s.invoice_id], s.amount) for s in shares])
        return transition(
            operation,
            OperationState.PAID,
            actor=None,
            by=SYSTEM,
            action="paid",
            message=source,
            event_fields={"payment": payment},
        )
    return transition(
        operation, outcome.state, actor=None, by=SYSTEM, action=str(outcome.state), message=source
    )


def payfip_check_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=20)) -> int:
    """Settle the operations that no notification settled (the periodic check)."""
    limit = timezone.now() - older_than
    settled = 0
    for idop in (
        PayfipOperation.objects.pending().filter(created_at__lte=limit).values_list("idop", flat=True)
    ):
        operation = payfip_operation_settle(idop=idop, source="check")
        if operation is not None and operation.state != OperationState.PENDING:
            settled += 1
        elif (
            operation is not None and operation.created_at < timezone.now() - OPERATION_LIFETIME - older_than
        ):
            with transaction.atomic():
                PayfipOperation.objects.filter(pk=operation.pk, state=OperationState.PENDING).update(
                    state=OperationState.EXPIRED, settled_at=timezone.now()
                )
            settled += 1
    return settled


# Manual payments and refunds -------------------------------------------------------------


def _check_paid_on(paid_on, today=None) -> datetime.date:
    """A payment (or a refund) is recorded once it has happened: never at a future date."""
    today = today or timezone.localdate()
    if paid_on is None:
        raise ValidationError({"paid_on": _("Indiquez la date du paiement.")})
    if isinstance(paid_on, str):
        paid_on = datetime.date.fromisoformat(paid_on)
    if paid_on > today:
        raise ValidationError(
            {
                "paid_on": _("La date du paiement ne peut pas être dans le futur (aujourd'hui : %(today)s).")
                % {"today": today.strftime("%d/%m/%Y")}
            }
        )
    return paid_on


def _already_recorded() -> ValidationError:
    return ValidationError(
        _(
            "Ce paiement est déjà enregistré : le même formulaire envoyé deux fois ne l'enregistre qu'une fois."
        ),
        code="already_recorded",
    )


def _lock_payer(household, adult_registration) -> None:
    """Serialise the manual payments of one payer (the duplicate check reads, then writes)."""
    if household is not None:
        type(household).objects.select_for_update().filter(pk=household.pk).first()
    else:
        type(adult_registration).objects.select_for_update().filter(pk=adult_registration.pk).first()


@transaction.atomic
def payment_record(
    *,
    caisse,
    household=None,
    adult_registration=None,
    method: str,
    amount: Decimal,
    paid_on,
    reference: str = "",
    invoices=None,
    actor=None,
    form_token=None,
    confirm_overpayment: bool = False,
    confirm_duplicate: bool = False,
    today=None,
) -> Payment:
    """A payment received at the counter, settling the given invoices (else the oldest unpaid).

    The payer is a household, or an adult for the invoices of their adult meals (`adult_registration`).
    Refused: a date in the future; more than what is due (an overpayment) or the same payer, mode,
    reference and amount as a payment already recorded, unless confirmed; a `form_token` already
    used (the same form sent twice records once: code « already_recorded »).
    """
    if (household is None) == (adult_registration is None):
        raise ValueError("a payment is a household's or an adult's")
    if method not in MANUAL_METHODS:
        raise ValidationError({"method": _("Mode de paiement inconnu.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")})
    if (household or adult_registration).caisse_id != caisse.pk:
        raise ValidationError(_("Foyer inconnu."))
    paid_on = _check_paid_on(paid_on, today)
    reference = (reference or "").strip()
    _lock_payer(household, adult_registration)
    if form_token is not None and Payment.objects.filter(form_token=form_token).exists():
        raise _already_recorded()
    if invoices:
        targets = invoices
    elif household is not None:
        targets = payable_invoices(household=household)
    else:
        targets = list(Invoice.objects.filter(adult_registration=adult_registration).unpaid())
    locked = list(
        Invoice.objects.select_for_update()
        .filter(
            pk__in=[invoice.pk for invoice in targets],
            household=household,
            adult_registration=adult_registration,
        )
        .order_by("issued_at", "number")
    )
    due = sum((invoice.amount_due for invoice in locked), Decimal("0.00"))
    if amount > due and not confirm_overpayment:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _(
                        "Ce paiement de %(amount)s dépasse ce qui reste à payer (%(due)s) : il créera un "
                        "trop-perçu de %(over)s en faveur du payeur, à rembourser ou à déduire plus tard. "
                        "Vérifiez le montant, ou confirmez ce trop-perçu."
                    )
                    % {
                        "amount": format_euros(amount),
                        "due": format_euros(due),
                        "over": format_euros(amount - due),
                    },
                    code="overpayment",
                )
            }
        )
    same = (
        Payment.objects.filter(
            household=household,
            adult_registration=adult_registration,
            method=method,
            reference=reference,
            amount=amount,
            is_refund=False,
        )
        .recorded()
        .order_by("-created_at")
        .first()
    )
    if same is not None and not confirm_duplicate:
        raise ValidationError(
            {
                "reference": ValidationError(
                    _(
                        "Un paiement identique est déjà enregistré pour ce payeur : %(method)s%(reference)s de "
                        "%(amount)s, le %(paid_on)s. Vérifiez qu'il ne s'agit pas du même, ou confirmez ce "
                        "second paiement."
                    )
                    % {
                        "method": same.get_method_display(),
                        "reference": f" {same.reference}" if same.reference else "",
                        "amount": format_euros(same.amount),
                        "paid_on": same.paid_on.strftime("%d/%m/%Y"),
                    },
                    code="duplicate",
                )
            }
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                caisse=caisse,
                household=household,
                adult_registration=adult_registration,
                method=method,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                recorded_by=actor,
                form_token=form_token,
            )
    except IntegrityError as error:  # the same form sent twice at once: the other one recorded it
        raise _already_recorded() from error
    left = _allocate(payment=payment, shares=[(invoice, invoice.amount_due) for invoice in locked])
    message = _("%(payment)s reçu le %(paid_on)s") % {
        "payment": _payment_words(payment),
        "paid_on": payment.paid_on.strftime("%d/%m/%Y"),
    }
    if left > 0:
        message += _(", dont %(over)s de trop-perçu (confirmé)") % {"over": format_euros(left)}
    PaymentLog.objects.create(caisse=caisse, actor=actor, payment=payment, action="recorded", message=message)
    return payment


def _payment_words(payment: Payment) -> str:
    """« Chèque 1234567 de 500,00 € »: what a person reads of a payment in a history."""
    reference = f" {payment.reference}" if payment.reference else ""
    return _("%(method)s%(reference)s de %(amount)s") % {
        "method": capfirst(payment.get_method_display()),
        "reference": reference,
        "amount": format_euros(payment.amount),
    }


@transaction.atomic
def payment_cancel(*, payment: Payment, reason: str, actor=None) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    check_move(payment, PaymentState.CANCELLED, by=AGENT)
    if payment.method == PaymentMethod.PAYFIP:
        raise ValidationError(_("Un paiement en ligne ne s'annule pas ici : faites un remboursement."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    for allocation in payment.allocations.select_related("invoice"):
        invoice = Invoice.objects.select_for_update().get(pk=allocation.invoice_id)
        invoice.amount_paid -= allocation.amount
        invoice.save(update_fields=["amount_paid", "updated_at"])
        InvoiceEvent.objects.create(
            invoice=invoice,
            actor=actor,
            from_state=invoice.state,
            to_state=invoice.state,
            action="payment_cancelled",
            message=reason,
        )
    return transition(
        payment,
        PaymentState.CANCELLED,
        actor=actor,
        by=AGENT,
        action="cancelled",
        message=reason,
        cancelled_at=timezone.now(),
        cancelled_by=actor,
        cancel_reason=reason,
    )


def household_balance(*, household) -> dict:
    """What the household owes (positive) or is owed (negative, an overpayment to refund)."""
    invoices = Invoice.objects.filter(household=household, kind=InvoiceKind.INVOICE).issued()
    billed = money_sum(invoices, "total")
    credited = money_sum(invoices, "amount_credited")
    paid = money_sum(Payment.objects.filter(household=household).recorded(), "amount")
    due = sum((invoice.amount_due for invoice in invoices.unpaid()), Decimal("0.00"))
    return _balance(billed=billed, credited=credited, paid=paid, due=due)


def balance_of(*, invoices, payments) -> dict:
    """`household_balance` from a household's issued invoices and credit notes and its payments
    already read (the portal's « Factures » lists them anyway): no query."""
    own = [invoice for invoice in invoices if invoice.kind == InvoiceKind.INVOICE]
    billed = sum((invoice.total for invoice in own), Decimal("0.00"))
    credited = sum((invoice.amount_credited for invoice in own), Decimal("0.00"))
    paid = sum(
        (payment.amount for payment in payments if payment.state == PaymentState.RECORDED), Decimal("0.00")
    )
    due = sum(
        (
            invoice.amount_due
            for invoice in own
            if invoice.state == InvoiceState.ISSUED
            and invoice.total > invoice.amount_paid + invoice.amount_credited
        ),
        Decimal("0.00"),
    )
    return _balance(billed=billed, credited=credited, paid=paid, due=due)


def _balance(*, billed, credited, paid, due) -> dict:
    balance = billed - credited - paid
    return {
        "billed": billed,
        "credited": credited,
        "paid": paid,
        "balance": balance,
        "due": due,
        "overpaid": max(Decimal("0.00"), -balance),
    }


@transaction.atomic
def refund_record(
    *, caisse, household, amount: Decimal, method: str, paid_on, reference: str = "", actor=None
) -> Payment:
    """Pay back an overpayment (never more than what the household is owed)."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    overpaid = household_balance(household=household)["overpaid"]
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")})
    if amount > overpaid:
        raise ValidationError(
            {
                "amount": _("Le foyer n'a que %(overpaid)s de trop-perçu.")
                % {"overpaid": format_euros(overpaid)}
            }
        )
    if method not in MANUAL_METHODS:
        raise ValidationError({"method": _("Mode de paiement inconnu.")})
    paid_on = _check_paid_on(paid_on)
    payment = Payment.objects.create(
        caisse=caisse,
        household=household,
        method=method,
        is_refund=True,
        amount=-amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
    )
    PaymentLog.objects.create(caisse=caisse, actor=actor, payment=payment, action="refund")
    return payment


# Direct debit -------------------------------------------------------------------------------


def direct_debit_payment_record(
    *, caisse, household, invoice: Invoice, amount: Decimal, paid_on, reference: str, actor=None
) -> Payment:
    """A direct debit sent to the bank: a payment like the others, settling `invoice` (the caller,
    direct debit, runs in a transaction and holds the invoice's row lock). A reject cancels it with
    `payment_cancel`."""
    if amount <= 0 or amount > invoice.amount_due:
        raise ValidationError(_("La facture %(number)s n'est plus à payer.") % {"number": invoice.number})
    payment = Payment.objects.create(
        caisse=caisse,
        household=household,
        method=PaymentMethod.DIRECT_DEBIT,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
    )
    _allocate(payment=payment, shares=[(invoice, amount)])
    PaymentLog.objects.create(
        caisse=caisse, actor=actor, payment=payment, action="recorded", message=_payment_words(payment)
    )
    return payment


def surplus_allocate(*, household, invoice: Invoice) -> Decimal:
    """Settle `invoice` (locked by the caller) with what the household's recorded payments left
    unallocated (an overpayment), oldest first; returns the amount allocated. A rejected direct
    debit uses it: the family had paid otherwise meanwhile."""
    allocated = Decimal("0.00")
    payments = (
        Payment.objects.filter(household=household, is_refund=False)
        .recorded()
        .prefetch_related("allocations")
        .order_by("paid_on", "pk")
    )
    for payment in payments:
        if invoice.amount_due <= 0:
            break
        left = payment.amount - payment.allocated
        if left <= 0:
            continue
        already = next((a for a in payment.allocations.all() if a.invoice_id == invoice.pk), None)
        amount = min(left, invoice.amount_due)
        if already is not None:
            already.amount += amount
            already.save(update_fields=["amount"])
            invoice.amount_paid += amount
            invoice.save(update_fields=["amount_paid", "updated_at"])
        else:
            _allocate(payment=payment, shares=[(invoice, amount)])
        allocated += amount
    return allocated
