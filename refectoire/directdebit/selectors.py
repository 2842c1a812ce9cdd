"""Reads of direct debit: the Caisse's settings, a household's mandate, which invoices are debited
(planned before the batch, sent after), the sequence type of each debit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing.debits import DebitPlan, PesDebit
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.core import reference
from refectoire.core.money import CENT
from refectoire.directdebit.enums import PES_SEQUENCE, DebitState, MandateState, Route, SequenceType
from refectoire.directdebit.models import Debit, DebitBatch, DebitCancellation, Mandate, SepaSettings
from refectoire.payments.enums import OperationState
from refectoire.payments.models import OperationInvoice


def sepa_settings_for(caisse) -> SepaSettings | None:
    """The Caisse's direct debit settings, when it offers direct debit (read once per generation
    of the process's reference cache, core/reference.py)."""
    found = reference.cached(
        "sepa",
        getattr(caisse, "pk", caisse),
        None,
        lambda: SepaSettings.objects.filter(caisse=caisse).first(),
    )
    return found if found is not None and found.is_active else None


def live_mandate(household) -> Mandate | None:
    return Mandate.objects.live().filter(household=household).first()


def collection_date(sepa: SepaSettings, issued_on: datetime.date) -> datetime.date:
    """When an invoice issued on `issued_on` is debited: the Caisse's delay after issue, never
    before the pre-notification delay (the invoice is the pre-notification)."""
    return issued_on + datetime.timedelta(days=max(sepa.debit_days_after_issue, sepa.prenotification_days))


def notice(day: datetime.date, hint: str) -> str:
    return _("Cette facture sera prélevée le %(day)s sur le compte %(account)s") % {
        "day": day.strftime("%d/%m/%Y"),
        "account": hint,
    }


def _issued_on(invoice) -> datetime.date:
    return timezone.localdate(invoice.issued_at) if invoice.issued_at else timezone.localdate()


@dataclass
class Candidate:
    invoice: Invoice
    mandate: Mandate
    amount: Decimal
    sequence_type: str
    collection_date: datetime.date

    def get_sequence_type_display(self) -> str:
        return str(SequenceType(self.sequence_type).label)


def _first_done(mandate_ids) -> set[int]:
    """Mandates that already have a recurrent debit sent and not rejected: their next debit is RCUR.
    A one-off debit (OOFF, a stay) is not the first of the series."""
    mandate_ids = list(mandate_ids)
    return set(
        Debit.objects.filter(mandate_id__in=mandate_ids, state=DebitState.SENT)
        .exclude(sequence_type=SequenceType.OOFF)
        .values_list("mandate_id", flat=True)
    ) | set(Mandate.objects.filter(pk__in=mandate_ids, previously_debited=True).values_list("pk", flat=True))


def cancelled_invoices(invoice_ids) -> set[int]:
    """Invoices whose debit an agent cancelled before their batch: never debited."""
    return set(
        DebitCancellation.objects.filter(invoice_id__in=list(invoice_ids)).values_list(
            "invoice_id", flat=True
        )
    )


def stay_invoice_ids(invoice_ids) -> set[int]:
    """Which of these invoices are stay invoices (a line of kind « séjour », no period)."""
    return set(
        InvoiceLine.objects.filter(
            invoice_id__in=list(invoice_ids), invoice__period__isnull=True, kind=LineKind.STAY
        ).values_list("invoice_id", flat=True)
    )


def debits_stays(sepa: SepaSettings | None) -> bool:
    """The Caisse debits stay invoices (OOFF): its choice, on the pain.008 route only."""
    return sepa is not None and sepa.debit_stays and sepa.route == Route.PAIN008


def stay_candidates(*, caisse, sepa: SepaSettings | None = None) -> list[Candidate]:
    """The stay invoices the next batch of stays will debit, once each (OOFF): issued, unpaid, of a
    household with an active mandate, without an online payment in progress, not debited yet and
    not cancelled; empty unless the Caisse chose to debit stays."""
    sepa = sepa or sepa_settings_for(caisse)
    if not debits_stays(sepa):
        return []
    invoices = list(
        Invoice.objects.filter(
            caisse=caisse,
            period__isnull=True,
            household__isnull=False,
            kind=InvoiceKind.INVOICE,
            state=InvoiceState.ISSUED,
            lines__kind=LineKind.STAY,
        )
        .unpaid()
        .distinct()
        .select_related("household")
        .order_by("number")
    )
    return _candidates(invoices, caisse=caisse, sepa=sepa, one_off=True)


def _candidates(invoices, *, caisse, sepa, one_off: bool) -> list[Candidate]:
    ids = [invoice.pk for invoice in invoices]
    mandates = {
        mandate.household_id: mandate
        for mandate in Mandate.objects.filter(
            caisse=caisse,
            state=MandateState.ACTIVE,
            household_id__in=[invoice.household_id for invoice in invoices],
        )
    }
    pending = set(
        OperationInvoice.objects.filter(
            invoice_id__in=ids, operation__state=OperationState.PENDING
        ).values_list("invoice_id", flat=True)
    )
    already = set(Debit.objects.filter(invoice_id__in=ids).values_list("invoice_id", flat=True))
    cancelled = cancelled_invoices(ids)
    done = _first_done(mandate.pk for mandate in mandates.values())
    result = []
    for invoice in invoices:
        mandate = mandates.get(invoice.household_id)
        if (
            mandate is None
            or invoice.pk in pending
            or invoice.pk in already
            or invoice.pk in cancelled
            or invoice.amount_due <= 0
        ):
            continue
        if one_off:
            sequence_type = SequenceType.OOFF
        else:
            sequence_type = SequenceType.RCUR if mandate.pk in done else SequenceType.FRST
        result.append(
            Candidate(
                invoice=invoice,
                mandate=mandate,
                amount=invoice.amount_due,
                sequence_type=sequence_type,
                collection_date=collection_date(sepa, _issued_on(invoice)),
            )
        )
    return result


def batch_candidates(*, caisse, period, sepa: SepaSettings | None = None) -> list[Candidate]:
    """The invoices of an issued period that its batch will debit: issued, unpaid, of a household
    with an active mandate, without an online payment in progress; FRST for a mandate's first
    debit (or after its first was rejected), RCUR after."""
    sepa = sepa or sepa_settings_for(caisse)
    if sepa is None:
        return []
    invoices = list(
        Invoice.objects.filter(caisse=caisse, period=period, household__isnull=False)
        .unpaid()
        .select_related("household")
        .order_by("number")
    )
    return _candidates(invoices, caisse=caisse, sepa=sepa, one_off=False)


def _pes(sepa, mandate, sequence_type, invoice) -> PesDebit | None:
    if sepa.route != Route.PES:
        return None
    return PesDebit(
        sequence=PES_SEQUENCE[SequenceType(sequence_type)],
        mandate_reference=mandate.reference,
        mandate_signed_on=timezone.localdate(mandate.signed_at),
        iban=mandate.iban,
        bic=mandate.bic,
        holder=mandate.holder_name,
        label=f"{sepa.creditor_name} facture {invoice.number}",
    )


# What `debit_plans_of` asks of each invoice it may plan, read with the invoices themselves
# (`with_debit_flags`): a page that reads its invoices so saves the five queries of the rule.
DEBIT_FLAGS = (
    "debit_exists",
    "debit_sent_on",
    "debit_cancelled",
    "debit_frozen",
    "debit_pending",
    "debit_stay",
    "debit_mandate",
)


def with_debit_flags(invoices):
    """`invoices` (a queryset), each told in the same query what `debit_plans_of` asks of it: a debit
    already written (and the day of the sent one), a debit cancelled by an agent, its period's batch
    generated, an online payment in progress, a stay line, an active mandate of its household."""
    invoice = OuterRef("pk")
    return invoices.annotate(
        debit_exists=Exists(Debit.objects.filter(invoice=invoice)),
        # Its sent debit's day (one live debit per invoice): the online payment guard's answer.
        debit_sent_on=Subquery(
            Debit.objects.filter(invoice=invoice, state=DebitState.SENT).values("collection_date")[:1]
        ),
        debit_cancelled=Exists(DebitCancellation.objects.filter(invoice=invoice)),
        debit_frozen=Exists(DebitBatch.objects.filter(period=OuterRef("period"))),
        debit_pending=Exists(
            OperationInvoice.objects.filter(invoice=invoice, operation__state=OperationState.PENDING)
        ),
        debit_stay=Exists(InvoiceLine.objects.filter(invoice=invoice, kind=LineKind.STAY)),
        debit_mandate=Exists(
            Mandate.objects.filter(household=OuterRef("household"), state=MandateState.ACTIVE)
        ),
    )


def _flagged(invoices) -> bool:
    return all(hasattr(invoice, name) for invoice in invoices for name in DEBIT_FLAGS)


def _debitable(invoices) -> list[Invoice]:
    """The invoices a debit may be of: a household's numbered invoices (no credit note, no adult's)."""
    return [
        invoice
        for invoice in invoices
        if invoice.household_id is not None
        and invoice.kind == InvoiceKind.INVOICE
        and invoice.number is not None
    ]


def _settings_of(invoices) -> dict[int, SepaSettings]:
    """The active direct debit settings of these invoices' Caisses, by Caisse."""
    caisse_ids = {invoice.caisse_id for invoice in invoices}
    if len(caisse_ids) == 1:  # a page of one Caisse: its settings from the reference cache
        [caisse_id] = caisse_ids
        sepa = sepa_settings_for(caisse_id)
        return {caisse_id: sepa} if sepa is not None else {}
    return {
        sepa.caisse_id: sepa for sepa in SepaSettings.objects.filter(caisse_id__in=caisse_ids, is_active=True)
    }


def _planned(invoices, settings_by_caisse, debited: set[int]) -> list[Invoice]:
    """The rule of a planned debit, but the mandate: which of `invoices` (not `debited` yet) the next
    batch will debit. Issued and left to pay, of a Caisse offering direct debit, of a period whose
    batch is not generated (or a stay invoice of a Caisse that debits stays), not cancelled by an
    agent, without an online payment in progress. Read from the invoices' flags when they carry
    them (`with_debit_flags`), else queried."""
    rest = [
        invoice
        for invoice in invoices
        if invoice.pk not in debited
        and invoice.caisse_id in settings_by_caisse
        and invoice.state == InvoiceState.ISSUED
        and invoice.amount_due > 0
    ]
    if not rest:
        return []
    flagged = _flagged(rest)
    # Without a period, only a stay invoice of a Caisse that debits stays is planned (OOFF).
    loose = [
        invoice
        for invoice in rest
        if invoice.period_id is None and debits_stays(settings_by_caisse[invoice.caisse_id])
    ]
    if flagged:
        stays = {invoice.pk for invoice in loose if invoice.debit_stay}
        cancelled = {invoice.pk for invoice in rest if invoice.debit_cancelled}
    else:
        stays = stay_invoice_ids(invoice.pk for invoice in loose)
        cancelled = cancelled_invoices(invoice.pk for invoice in rest)
    rest = [
        invoice
        for invoice in rest
        if (invoice.period_id is not None or invoice.pk in stays) and invoice.pk not in cancelled
    ]
    if not rest:
        return []
    if flagged:
        frozen = {invoice.period_id for invoice in rest if invoice.debit_frozen}
        pending = {invoice.pk for invoice in rest if invoice.debit_pending}
    else:
        frozen = set(
            DebitBatch.objects.filter(period_id__in={invoice.period_id for invoice in rest}).values_list(
                "period_id", flat=True
            )
        )
        pending = set(
            OperationInvoice.objects.filter(
                invoice_id__in=[invoice.pk for invoice in rest], operation__state=OperationState.PENDING
            ).values_list("invoice_id", flat=True)
        )
    return [
        invoice
        for invoice in rest
        if (invoice.period_id is None or invoice.period_id not in frozen) and invoice.pk not in pending
    ]


def _sent_debits(invoices, settings_by_caisse) -> tuple[list[Debit], set[int]]:
    """The sent debits of these invoices in a Caisse offering direct debit, and the invoices that
    have a debit at all (sent or rejected: never planned again). Invoices read `with_debit_flags`
    are queried only when one of them has a debit."""
    with_debits = (
        [invoice for invoice in invoices if invoice.debit_exists] if _flagged(invoices) else invoices
    )
    if not with_debits:
        return [], set()
    debits = list(Debit.objects.filter(invoice__in=with_debits).select_related("mandate", "invoice"))
    sent = [
        debit for debit in debits if debit.state == DebitState.SENT and debit.caisse_id in settings_by_caisse
    ]
    return sent, {debit.invoice_id for debit in debits}


def debit_days_of(invoices) -> dict[int, datetime.date]:
    """The day each of these invoices is debited, sent or planned: `debit_plans_of` without the
    mandates' details (what the online payment guard asks). No query for invoices read
    `with_debit_flags`."""
    invoices = _debitable(invoices)
    settings_by_caisse = _settings_of(invoices) if invoices else {}
    if not settings_by_caisse:
        return {}
    if _flagged(invoices):
        debited = {invoice.pk for invoice in invoices if invoice.debit_exists}
        days = {
            invoice.pk: invoice.debit_sent_on
            for invoice in invoices
            if invoice.debit_sent_on is not None and invoice.caisse_id in settings_by_caisse
        }
    else:
        sent, debited = _sent_debits(invoices, settings_by_caisse)
        days = {debit.invoice_id: debit.collection_date for debit in sent}
    rest = _planned(invoices, settings_by_caisse, debited)
    if not rest:
        return days
    if _flagged(rest):
        signed = {invoice.household_id for invoice in rest if invoice.debit_mandate}
    else:
        signed = set(
            Mandate.objects.filter(
                state=MandateState.ACTIVE, household_id__in={invoice.household_id for invoice in rest}
            ).values_list("household_id", flat=True)
        )
    for invoice in rest:
        if invoice.household_id in signed:
            days[invoice.pk] = collection_date(settings_by_caisse[invoice.caisse_id], _issued_on(invoice))
    return days


def debit_plans_of(invoices) -> dict[int, DebitPlan]:
    """Billing's provider (billing/debits.py): the debit of each invoice, sent or still planned.

    Sent: the debit of a generated batch that is not rejected. Planned: an issued invoice left to
    pay, of a household with an active mandate, in a period whose batch is not generated yet
    (`_planned`). Invoices read `with_debit_flags` save the queries of the rule.
    """
    invoices = _debitable(invoices)
    if not invoices:
        return {}
    settings_by_caisse = _settings_of(invoices)
    if not settings_by_caisse:
        return {}
    plans: dict[int, DebitPlan] = {}
    sent, debited = _sent_debits(invoices, settings_by_caisse)
    for debit in sent:
        plans[debit.invoice_id] = DebitPlan(
            collection_date=debit.collection_date,
            amount=debit.amount,
            account_hint=debit.mandate.account_hint,
            notice=notice(debit.collection_date, debit.mandate.account_hint),
            pes=_pes(settings_by_caisse[debit.caisse_id], debit.mandate, debit.sequence_type, debit.invoice),
        )
    rest = _planned(invoices, settings_by_caisse, debited)
    if not rest:
        return plans
    mandates = {
        mandate.household_id: mandate
        for mandate in Mandate.objects.filter(
            state=MandateState.ACTIVE, household_id__in={invoice.household_id for invoice in rest}
        )
    }
    # The sequence type is only written in a PES V2 file: a page of a Caisse on pain.008 skips it.
    pes_route = any(sepa.route == Route.PES for sepa in settings_by_caisse.values())
    done = _first_done(mandate.pk for mandate in mandates.values()) if pes_route else set()
    stays = {invoice.pk for invoice in rest if invoice.period_id is None}  # the others have a period
    for invoice in rest:
        mandate = mandates.get(invoice.household_id)
        if mandate is None:
            continue
        sepa = settings_by_caisse[invoice.caisse_id]
        day = collection_date(sepa, _issued_on(invoice))
        if invoice.pk in stays:
            sequence_type = SequenceType.OOFF
        else:
            sequence_type = SequenceType.RCUR if mandate.pk in done else SequenceType.FRST
        plans[invoice.pk] = DebitPlan(
            collection_date=day,
            amount=invoice.amount_due,
            account_hint=mandate.account_hint,
            notice=notice(day, mandate.account_hint),
            pes=_pes(sepa, mandate, sequence_type, invoice),
        )
    return plans


def online_payment_refusals_of(invoices: list[Invoice]) -> dict[int, str]:
    """Payments' guard (payments/guards.py): an invoice to be debited, or in a sent batch, is not
    paid online until its debit is rejected."""
    return {
        pk: _(
            "Cette facture sera prélevée le %(day)s : elle ne peut pas être payée en ligne, sauf si le "
            "prélèvement est rejeté."
        )
        % {"day": day.strftime("%d/%m/%Y")}
        for pk, day in debit_days_of(invoices).items()
    }


def next_debit(household) -> DebitPlan | None:
    """The household's next debit (the dashboard tile): the soonest of its invoices' debits."""
    invoices = list(Invoice.objects.filter(household=household).unpaid()) + list(
        Invoice.objects.filter(household=household, sepa_debits__state=DebitState.SENT).filter(
            sepa_debits__collection_date__gte=timezone.localdate()
        )
    )
    plans = [
        plan for plan in debit_plans_of(invoices).values() if plan.collection_date >= timezone.localdate()
    ]
    return min(plans, key=lambda plan: plan.collection_date) if plans else None


@dataclass(frozen=True)
class NextDebit:
    """The day and amount of a household's next debit: what « Mon espace »'s tile tells."""

    collection_date: datetime.date
    amount: Decimal


def with_debit_summary(households, *, today: datetime.date):
    """`households` (a queryset), each told in the same query whether it has a live mandate and the
    day and amount of its soonest sent debit from `today` on: `next_debit_day` then reads nothing."""
    sent = Debit.objects.filter(
        invoice__household=OuterRef("pk"), state=DebitState.SENT, collection_date__gte=today
    ).order_by("collection_date", "pk")
    return households.annotate(
        debit_live_mandate=Exists(Mandate.objects.live().filter(household=OuterRef("pk"))),
        debit_sent_on=Subquery(sent.values("collection_date")[:1]),
        debit_sent_amount=Subquery(sent.values("amount")[:1]),
    )


def next_debit_day(household, unpaid: list[Invoice], *, today: datetime.date) -> NextDebit | None:
    """`next_debit`'s day and amount without a query, from what « Mon espace » read: `household`
    `with_debit_summary` (its soonest sent debit), `unpaid` (its unpaid invoices) `with_debit_flags`
    (their planned debits, by `debit_days_of`)."""
    if sepa_settings_for(household.caisse_id) is None:
        return None
    found = []
    if household.debit_sent_on is not None:
        # Read by a subquery: SQLite hands the amount back without its cents.
        found.append(NextDebit(household.debit_sent_on, household.debit_sent_amount.quantize(CENT)))
    days = debit_days_of(unpaid)
    found += [
        NextDebit(days[invoice.pk], invoice.amount_due)
        for invoice in unpaid
        if invoice.pk in days and invoice.debit_sent_on is None and days[invoice.pk] >= today
    ]
    return min(found, key=lambda plan: plan.collection_date) if found else None


def consecutive_rejects(mandate) -> int:
    """How many of the mandate's latest debits were rejected in a row."""
    count = 0
    for state in (
        Debit.objects.filter(mandate=mandate)
        .order_by("-collection_date", "-pk")
        .values_list("state", flat=True)
    ):
        if state != DebitState.REJECTED:
            break
        count += 1
    return count
