"""Use cases of billing: periods, the run (compute, issue), credit notes, reminders."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing import inputs
from refectoire.billing.engine import Credit, LineDraft, compute_lines, invoice_total, round_money
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind, RunState
from refectoire.billing.locks import billing_period_lock
from refectoire.billing.models import (
    BillingRun,
    Invoice,
    InvoiceCounter,
    InvoiceEvent,
    InvoiceLine,
    period_has_issued_invoices,
)
from refectoire.billing.sources import invoice_sources
from refectoire.billing.tasks import send_invoice_emails, send_reminder_emails
from refectoire.core.lifecycle import AGENT, SYSTEM, transition, transition_bulk
from refectoire.core.lookups import Ids
from refectoire.core.money import format_euros, money_sum
from refectoire.households.models import Child, Household
from refectoire.schools.models import BillingPeriod

logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5000


def _chunks(items, size):
    for index in range(0, len(items), size):
        yield items[index : index + size]


# Periods ---------------------------------------------------------------------------------


@transaction.atomic
def billing_period_save(*, caisse, period=None, **fields) -> BillingPeriod:
    """Create or change a period; once issued (whatever its run says), it no longer changes."""
    period = period or BillingPeriod(caisse=caisse)
    if period.pk:
        BillingPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if period.is_issued():
            raise ValidationError(_("Cette période est déjà facturée : elle ne peut plus changer."))
    for name, value in fields.items():
        setattr(period, name, value)
    period.full_clean()
    period.save()
    return period


# The run ---------------------------------------------------------------------------------


def _transition(invoice, to_state, *, actor=None, by=None, action, message="", **fields):
    """Move one invoice (core `transition()`): saved, with its event row; `by` defaults to the agent
    who acts, or the system when nobody does (a task)."""
    by = by or (AGENT if actor is not None else SYSTEM)
    return transition(invoice, to_state, actor=actor, by=by, action=action, message=message, **fields)


def billing_run_prepare(*, caisse, period) -> BillingRun:
    """The run of `period`, reset to "computing".

    Refused while another process computes or issues the period, and once the period is issued.
    A run that says otherwise although the period has issued invoices (left `failed` by two runs
    that overlapped before the run lock existed) is put back to "issued" on the way.
    """
    with billing_period_lock(period):
        with transaction.atomic():
            run, _created = BillingRun.objects.select_for_update().get_or_create(
                period=period, defaults={"caisse": caisse}
            )
            issued = run.state in (RunState.ISSUED, RunState.ISSUING)
            if not issued and period_has_issued_invoices(period):
                run.state, run.error, issued = RunState.ISSUED, "", True
                run.save()
            if not issued:
                run.state = RunState.COMPUTING
                run.households_done = 0
                run.error = ""
                run.save()
    if issued:
        raise ValidationError(_("Cette période est déjà émise : ses factures ne changent plus."))
    return run


def billing_run_compute(*, caisse, period, chunk_size: int = DEFAULT_CHUNK_SIZE, progress=None) -> BillingRun:
    """Compute the draft invoices of `period`, household chunk by household chunk, then the sources'.

    The sources are those registered in `billing.sources` (the adults' registrations of the
    restauration adulte), in their order. The run's progress (`households_total` /
    `households_done`) counts both: the households and the sources' files, shown as « dossiers »
    on the run page.

    Each chunk replaces, in one transaction, the drafts of its households: a run killed at any
    point and started again ends with exactly the drafts one uninterrupted run gives (the
    unique constraint on (period, household) forbids a duplicate). The run lock, taken before
    anything is computed, keeps a second run of the period out until this one ends.
    """
    if period.caisse_id != caisse.pk:
        raise ValidationError(_("Cette période n'est pas celle de cette Caisse."))
    with billing_period_lock(period):
        return _compute(caisse=caisse, period=period, chunk_size=chunk_size, progress=progress)


def _compute(*, caisse, period, chunk_size, progress) -> BillingRun:
    run = billing_run_prepare(caisse=caisse, period=period)
    household_ids = list(Household.objects.filter(caisse=caisse).order_by("pk").values_list("pk", flat=True))
    done, total = 0, len(household_ids)

    def advance(count):
        nonlocal done
        done += count
        BillingRun.objects.filter(pk=run.pk).update(households_done=done)
        if progress:
            progress(done, total)

    try:
        # The progress counts files (dossiers): the households, then the sources' (adults' registrations).
        sources = [(source, source.ids_to_bill(caisse=caisse, period=period)) for source in invoice_sources()]
        total += sum(len(ids) for _source, ids in sources)
        BillingRun.objects.filter(pk=run.pk).update(households_total=total, households_done=0)
        # Drafts to replace exist only when the period was computed (or begun) before.
        replace = Invoice.objects.filter(
            period=period, household__isnull=False, kind=InvoiceKind.INVOICE, state=InvoiceState.DRAFT
        ).exists()
        day_texts: dict = {}
        for chunk in _chunks(household_ids, chunk_size):
            meal_days = inputs.load_meal_days(
                caisse=caisse, start=period.start_date, end=period.end_date, household_ids=chunk
            )
            billed = sorted({household_id for (household_id, _child), days in meal_days.items() if days})
            brackets = (
                inputs.load_brackets(
                    caisse=caisse, start=period.start_date, end=period.end_date, household_ids=billed
                )
                if billed
                else {}
            )
            credits = inputs.load_unused_credits(caisse=caisse, household_ids=billed) if billed else {}
            packed = (
                inputs.load_packed_meals(
                    caisse=caisse,
                    start=period.start_date,
                    end=period.end_date,
                    child_ids=sorted({child for (_household, child), days in meal_days.items() if days}),
                )
                if billed
                else {}
            )
            lines = compute_lines(
                meal_days=meal_days, brackets=brackets, credits=credits, packed_meals=packed
            )
            names = dict(
                (pk, f"{first} {last.upper()}".strip())
                for pk, first, last in Child.objects.filter(household_id__any=Ids(billed)).values_list(
                    "pk", "first_name", "last_name"
                )
            )
            _write_chunk(
                caisse=caisse,
                period=period,
                household_ids=chunk,
                lines=lines,
                names=names,
                replace=replace,
                day_texts=day_texts,
            )
            advance(len(chunk))
        for source, ids in sources:
            source.compute(caisse=caisse, period=period, chunk_size=chunk_size, ids=ids, on_chunk=advance)
    except Exception as error:
        # Only a computation fails: never a run that is (or was meanwhile) issued.
        BillingRun.objects.filter(pk=run.pk, state=RunState.COMPUTING).update(
            state=RunState.FAILED, error=str(error)[:2000]
        )
        raise
    BillingRun.objects.filter(pk=run.pk, state=RunState.COMPUTING).update(
        state=RunState.DRAFT, computed_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _line_label(line: LineDraft, names: dict[int, str], packed_label: str = "") -> str:
    if line.is_credit:
        return line.label or _("Avoir")
    if line.packed_meal:
        return f"{names.get(line.child_id, '')} — {packed_label or packed_meal_label()}"
    return names.get(line.child_id, "")


def packed_meal_label() -> str:
    """What a « panier repas » line says after the child's name."""
    return _("Repas – panier repas fourni par la famille (PAI)")


INVOICE_COLUMNS = [
    "uuid",
    "caisse_id",
    "household_id",
    "period_id",
    "kind",
    "state",
    "label",
    "total",
    "amount_paid",
    "amount_credited",
    "due_date",
    "payment_opens_at",
    "reason",
    "created_at",
    "updated_at",
]
LINE_COLUMNS = [
    "invoice_id",
    "position",
    "kind",
    "child_id",
    "label",
    "meals",
    "unit_price",
    "amount",
    "days",
    "bracket_number",
    "family_quotient",
    "decision_id",
    "reason",
    "credit_id",
]


def _bulk_insert(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Rows written in bulk: COPY on PostgreSQL, one prepared statement for all rows elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def _days_json(days, cache: dict) -> str:
    """The JSON list of ISO days (`["2027-03-01", "2027-03-02"]`), made once per run for each list of
    days: the children of a school with the same weekdays and custody share theirs."""
    key = tuple(days)
    text = cache.get(key)
    if text is None:
        text = cache[key] = "[" + ", ".join(f'"{day.isoformat()}"' for day in key) + "]"
    return text


def _new_invoice_ids(cursor, count: int) -> list[int] | None:
    """`count` ids taken from the invoices' sequence (PostgreSQL), so the lines need no read-back."""
    if connection.vendor != "postgresql" or not count:
        return None
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [Invoice._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def _write_chunk(
    *, caisse, period, household_ids, lines: dict[int, list[LineDraft]], names, replace=True, day_texts=None
) -> None:
    """Replace the drafts of these households by the lines computed (one transaction per chunk).

    `replace=False` when the period had no draft when the run began (nothing to delete: the run
    lock keeps every other writer out)."""
    if replace:
        drafts = Invoice.objects.filter(
            period=period,
            household_id__any=Ids(household_ids),
            kind=InvoiceKind.INVOICE,
            state=InvoiceState.DRAFT,
        )
        InvoiceLine.objects.filter(invoice__in=drafts).delete()
        drafts._raw_delete(drafts.db)
    day_texts = {} if day_texts is None else day_texts
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    due_date = ops.adapt_datefield_value(period.due_date)
    opens_at = ops.adapt_datetimefield_value(period.payment_opens_at)
    native_uuid = connection.features.has_native_uuid_field
    zero = Decimal("0.00")
    kind, state = InvoiceKind.INVOICE.value, InvoiceState.DRAFT.value
    meals_kind, credit_kind = LineKind.MEALS.value, LineKind.CREDIT.value

    billed = [household_id for household_id in household_ids if lines.get(household_id)]
    invoice_rows = [
        (
            uuid.uuid4() if native_uuid else uuid.uuid4().hex,
            caisse.pk,
            household_id,
            period.pk,
            kind,
            state,
            period.label,
            invoice_total(lines[household_id]),
            zero,
            zero,
            due_date,
            opens_at,
            "",
            now,
            now,
        )
        for household_id in billed
    ]
    with connection.cursor() as cursor:
        new_ids = _new_invoice_ids(cursor, len(invoice_rows))
        if new_ids is not None:
            _bulk_insert(
                cursor,
                Invoice._meta.db_table,
                ["id", *INVOICE_COLUMNS],
                [(pk, *row) for pk, row in zip(new_ids, invoice_rows, strict=True)],
            )
            ids = dict(zip(billed, new_ids, strict=True))
        else:
            _bulk_insert(cursor, Invoice._meta.db_table, INVOICE_COLUMNS, invoice_rows)
            ids = dict(
                Invoice.objects.filter(
                    period=period, household_id__any=Ids(billed), state=InvoiceState.DRAFT
                ).values_list("household_id", "pk")
            )
        line_rows = []
        packed_label = packed_meal_label()
        for household_id in billed:
            invoice_id = ids[household_id]
            for position, line in enumerate(lines[household_id]):
                line_rows.append(
                    (
                        invoice_id,
                        position,
                        credit_kind if line.credit_id is not None else meals_kind,
                        line.child_id,
                        _line_label(line, names, packed_label)[:200],
                        line.meals,
                        line.unit_price,
                        line.amount,
                        _days_json(line.days, day_texts),
                        line.bracket_number,
                        line.family_quotient,
                        line.decision_id,
                        line.reason[:300],
                        line.credit_id,
                    )
                )
        _bulk_insert(cursor, InvoiceLine._meta.db_table, LINE_COLUMNS, line_rows)


def reserve_numbers(*, caisse, count: int) -> int:
    """The first of `count` consecutive invoice numbers, taken from the Caisse's locked counter.

    Must run inside the transaction that uses the numbers: the row lock holds every other
    numbering until it commits, so numbers have no gap and no duplicate.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_numbers must run inside a transaction")
    try:
        with transaction.atomic():
            InvoiceCounter.objects.get_or_create(caisse=caisse)
    except IntegrityError:
        pass
    counter = InvoiceCounter.objects.select_for_update().get(caisse=caisse)
    first = counter.next_number
    counter.next_number = first + count
    counter.save(update_fields=["next_number", "updated_at"])
    return first


def billing_run_issue(*, run: BillingRun, actor=None) -> BillingRun:
    """Number the drafts of the run in one unbroken sequence, freeze them, e-mail the parents and adults.

    Refused while another process computes or issues the same period (the run lock).
    """
    with billing_period_lock(run.period):
        return _issue(run=run, actor=actor)


@transaction.atomic
def _issue(*, run: BillingRun, actor=None) -> BillingRun:
    run = BillingRun.objects.select_for_update(of=("self",)).select_related("period", "caisse").get(pk=run.pk)
    if run.state in (RunState.ISSUED, RunState.ISSUING):
        raise ValidationError(_("Cette période est déjà émise : ses factures ne changent plus."))
    if run.state != RunState.DRAFT:
        raise ValidationError(_("Seule une facturation calculée (brouillon) peut être émise."))
    period = run.period
    # The drafts' ids in numbering order (the households' invoices, then the adults'): one query, no
    # objects; the numbering and the events are then written by the database in two statements.
    draft_ids = list(
        Invoice.objects.filter(period=period, kind=InvoiceKind.INVOICE, state=InvoiceState.DRAFT)
        .order_by(
            F("household__reference").asc(nulls_last=True),
            F("household_id").asc(nulls_last=True),
            "adult_registration_id",
        )
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    first = reserve_numbers(caisse=run.caisse, count=len(draft_ids)) if draft_ids else 0
    transition_bulk(
        Invoice,
        draft_ids,
        InvoiceState.ISSUED,
        from_state=InvoiceState.DRAFT,
        actor=actor,
        by=AGENT if actor is not None else SYSTEM,
        action="issued",
        values={"issued_at": now, "due_date": period.due_date, "payment_opens_at": period.payment_opens_at},
        numbering=("number", first),
    )
    if draft_ids:
        # The credit lines of the invoices just numbered (this Caisse's numbers first … first + n - 1).
        credit_lines = InvoiceLine.objects.filter(
            invoice__caisse=run.caisse,
            invoice__number__gte=first,
            invoice__number__lt=first + len(draft_ids),
            credit_id__isnull=False,
        ).values_list("credit_id", "invoice__uuid", "amount")
        inputs.mark_credits_used(lines=list(credit_lines))
    inputs.freeze_grids(caisse=run.caisse, period=period)
    run.state = RunState.ISSUED
    run.issued_at = now
    run.issued_by = actor
    run.save()
    invoices_email_on_commit(draft_ids)
    return run


def invoices_email_on_commit(invoice_ids: list[int]) -> None:
    """Once the current transaction commits, e-mail these issued invoices (by the task worker)."""
    invoice_ids = list(invoice_ids)

    def notify():
        for chunk in _chunks(invoice_ids, 200):
            send_invoice_emails.enqueue(chunk)

    transaction.on_commit(notify)


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor=None, message: str = "", now=None) -> Invoice:
    """Issue a new invoice made outside a run (a holiday stay's): numbered, saved, its issue logged.

    `invoice` is unsaved, in draft, with its Caisse, payer, label, total and due date; it takes
    the next number of the Caisse's sequence. The caller writes its lines in the same
    transaction, then asks for its e-mail with `invoices_email_on_commit`.
    """
    now = now or timezone.now()
    return _transition(
        invoice,
        InvoiceState.ISSUED,
        actor=actor,
        by=SYSTEM,
        action="issued",
        message=message,
        number=reserve_numbers(caisse=invoice.caisse, count=1),
        issued_at=now,
    )


def run_totals(period) -> dict:
    """Number of invoices and total of a period (drafts or issued)."""
    invoices = Invoice.objects.filter(period=period, kind=InvoiceKind.INVOICE, credited_invoice__isnull=True)
    return {"count": invoices.count(), "total": money_sum(invoices, "total")}


# Credit notes ----------------------------------------------------------------------------


@transaction.atomic
def credit_note_create(
    *, invoice: Invoice, reason: str, lines: list[tuple[str, Decimal]], actor=None
) -> Invoice:
    """An avoir on an issued invoice: numbered in the Caisse's sequence, it reduces what is due."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceState.ISSUED:
        raise ValidationError(_("Un avoir ne porte que sur une facture émise et non annulée."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'avoir.")})
    lines = [(label.strip(), round_money(Decimal(amount))) for label, amount in lines if label.strip()]
    if not lines or any(amount <= 0 for _label, amount in lines):
        raise ValidationError(_("Chaque ligne de l'avoir a un libellé et un montant positif."))
    amount = sum((amount for _label, amount in lines), Decimal("0.00"))
    if amount > invoice.total - invoice.amount_credited:
        raise ValidationError(
            {
                "amount": _("L'avoir dépasse ce qui reste de la facture (%(rest)s).")
                % {"rest": format_euros(invoice.total - invoice.amount_credited)}
            }
        )
    number = reserve_numbers(caisse=invoice.caisse, count=1)
    note = Invoice.objects.create(
        caisse=invoice.caisse,
        household=invoice.household,
        adult_registration=invoice.adult_registration,
        period=invoice.period,
        kind=InvoiceKind.CREDIT_NOTE,
        state=InvoiceState.ISSUED,
        number=number,
        label=invoice.label,
        total=amount,
        credited_invoice=invoice,
        reason=reason,
        issued_at=timezone.now(),
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(invoice=note, position=position, kind=LineKind.CREDIT, label=label, amount=-value)
            for position, (label, value) in enumerate(lines)
        ]
    )
    InvoiceEvent.objects.create(
        invoice=note, actor=actor, to_state=InvoiceState.ISSUED, action="credit_note_issued", message=reason
    )
    invoice.amount_credited += amount
    InvoiceEvent.objects.create(
        invoice=invoice,
        actor=actor,
        from_state=invoice.state,
        to_state=invoice.state,
        action="credited",
        message=_("Avoir %(number)s de %(amount)s : %(reason)s")
        % {"number": number, "amount": format_euros(amount), "reason": reason},
    )
    if invoice.amount_credited == invoice.total:
        _transition(
            invoice,
            InvoiceState.CANCELLED,
            actor=actor,
            action="cancelled",
            message=reason,
            update_fields=["amount_credited"],
        )
    else:
        invoice.save(update_fields=["amount_credited", "updated_at"])
    return note


# Reminders -------------------------------------------------------------------------------


@transaction.atomic
def invoices_send_reminders(*, caisse, actor=None, today=None) -> int:
    """One reminder e-mail per household, and per adult, with unpaid invoices past due; returns how many."""
    today = today or timezone.localdate()
    invoices = list(Invoice.objects.for_caisse(caisse).past_due(today).select_for_update())
    households = sorted({invoice.household_id for invoice in invoices if invoice.household_id})
    adult_invoices = [invoice.pk for invoice in invoices if invoice.adult_registration_id]
    adults = sorted(
        set(
            Invoice.objects.filter(pk__in=adult_invoices, adult_registration__caisse=caisse).values_list(
                "adult_registration__user_id", flat=True
            )
        )
    )
    now = timezone.now()
    for invoice in invoices:
        invoice.reminded_at = now
    Invoice.objects.bulk_update(invoices, ["reminded_at"])
    InvoiceEvent.objects.bulk_create(
        [
            InvoiceEvent(
                invoice=invoice,
                actor=actor,
                from_state=invoice.state,
                to_state=invoice.state,
                action="reminded",
            )
            for invoice in invoices
        ]
    )

    def notify():  # 200 reminders a task, as the e-mails of an issued period
        for chunk in _chunks(households, 200):
            send_reminder_emails.enqueue(caisse.pk, chunk, [])
        for chunk in _chunks(adults, 200):
            send_reminder_emails.enqueue(caisse.pk, [], chunk)

    transaction.on_commit(notify)
    return len(households) + len(adults)


__all__ = [
    "Credit",
    "billing_period_save",
    "billing_run_compute",
    "billing_run_issue",
    "billing_run_prepare",
    "credit_note_create",
    "invoice_issue",
    "invoices_email_on_commit",
    "invoices_send_reminders",
    "reserve_numbers",
    "run_totals",
]
