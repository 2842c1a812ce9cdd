"""Adult meals (restauration adulte) in the billing run: one invoice per (period, registration).

Adult meals are an invoice source of billing (`billing.sources`), registered in
`AdultMealsConfig.ready()`: billing never imports this app. After the households' chunks, the run bills the registrations of the Caisse validated and
overlapping the period: the scheduled meals (days the school serves ∩ the weekdays chosen ∩ the
registration's dates ∩ the period) and the meals agents recorded off-schedule, each at the
grid's adult price of the day's school year. Drafts are replaced chunk by chunk, one transaction
each, exactly as the households' (restartable); issuing numbers them with the households' in the
Caisse's one sequence (`services.billing_run_issue`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.selectors import (
    billable_registrations,
    extra_meals,
    registrations_with_extra_meals,
    scheduled_meal_days,
)
from refectoire.billing.engine import LineDraft, compute_adult_lines, invoice_total
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.billing.sources import InvoiceSource
from refectoire.pricing.selectors import adult_meal_prices

DEFAULT_CHUNK_SIZE = 1000
# After the households (billed first by every run); numbered after them when the run is issued.
ORDER = 10


def load_adult_registration_ids(*, caisse, start: date, end: date) -> list[int]:
    """The registrations with meals to bill in [start, end]: billable ones and those with meals off-schedule."""
    ids = set(billable_registrations(caisse=caisse, start=start, end=end).values_list("pk", flat=True))
    return sorted(ids | registrations_with_extra_meals(caisse=caisse, start=start, end=end))


def load_adult_meals(*, caisse, start: date, end: date, registration_ids):
    """(scheduled {registration_id: [date]}, off-schedule {registration_id: [(date, count)]},
    labels {registration_id: school name}) of these registrations."""
    scheduled = scheduled_meal_days(caisse=caisse, start=start, end=end, registration_ids=registration_ids)
    extras = extra_meals(caisse=caisse, start=start, end=end, registration_ids=registration_ids)
    labels = dict(
        AdultRegistration.objects.filter(caisse=caisse, pk__in=list(registration_ids)).values_list(
            "pk", "school__name"
        )
    )
    return scheduled, extras, labels


def adult_registration_ids_to_bill(*, caisse, period) -> list[int]:
    """The registrations a run of `period` looks at: those with meals in the period and those that
    had a draft (a registration no longer billable loses its draft)."""
    ids = set(load_adult_registration_ids(caisse=caisse, start=period.start_date, end=period.end_date))
    ids |= set(
        Invoice.objects.filter(
            period=period,
            adult_registration__isnull=False,
            kind=InvoiceKind.INVOICE,
            state=InvoiceState.DRAFT,
        ).values_list("adult_registration_id", flat=True)
    )
    return sorted(ids)


def billing_run_compute_adults(
    *, caisse, period, chunk_size: int = DEFAULT_CHUNK_SIZE, registration_ids=None, on_chunk=None
) -> int:
    """Replace the adults' draft invoices of `period`; returns how many registrations were looked at.

    The registrations are `registration_ids`, by default `adult_registration_ids_to_bill(...)`;
    `on_chunk(count)` is called after each chunk is written (the run's progress). Prices are read
    once, only if a registration has meals: a Caisse without adults needs no adult price.
    """
    start, end = period.start_date, period.end_date
    if registration_ids is None:
        registration_ids = adult_registration_ids_to_bill(caisse=caisse, period=period)
    prices = None
    for index in range(0, len(registration_ids), chunk_size):
        chunk = registration_ids[index : index + chunk_size]
        scheduled, extras, labels = load_adult_meals(
            caisse=caisse, start=start, end=end, registration_ids=chunk
        )
        if (scheduled or extras) and prices is None:
            prices = adult_meal_prices(caisse=caisse, start=start, end=end)
        lines = compute_adult_lines(scheduled=scheduled, extras=extras, prices=prices or [], labels=labels)
        _write_adult_chunk(caisse=caisse, period=period, registration_ids=chunk, lines=lines)
        if on_chunk:
            on_chunk(len(chunk))
    return len(registration_ids)


@transaction.atomic
def _write_adult_chunk(*, caisse, period, registration_ids, lines: dict[int, list[LineDraft]]) -> None:
    """Replace the drafts of these registrations by the lines computed (one transaction)."""
    drafts = Invoice.objects.filter(
        period=period,
        adult_registration_id__in=registration_ids,
        kind=InvoiceKind.INVOICE,
        state=InvoiceState.DRAFT,
    )
    InvoiceLine.objects.filter(invoice__in=drafts).delete()
    drafts._raw_delete(drafts.db)
    invoices = Invoice.objects.bulk_create(
        [
            Invoice(
                caisse=caisse,
                adult_registration_id=registration_id,
                period=period,
                kind=InvoiceKind.INVOICE,
                state=InvoiceState.DRAFT,
                label=period.label,
                total=invoice_total(lines[registration_id]),
                due_date=period.due_date,
                payment_opens_at=period.payment_opens_at,
            )
            for registration_id in registration_ids
            if lines.get(registration_id)
        ]
    )
    if invoices and invoices[0].pk is None:  # a backend that returns no primary key on bulk insert
        by_registration = dict(
            Invoice.objects.filter(
                period=period, adult_registration_id__in=registration_ids, state=InvoiceState.DRAFT
            ).values_list("adult_registration_id", "pk")
        )
        for invoice in invoices:
            invoice.pk = by_registration[invoice.adult_registration_id]
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice_id=invoice.pk,
                position=position,
                kind=LineKind.ADULT_MEALS,
                label=line.label[:200],
                meals=line.meals,
                unit_price=line.unit_price,
                amount=line.amount,
                days=[day.isoformat() for day in line.days],
                reason=line.reason[:300],
            )
            for invoice in invoices
            for position, line in enumerate(lines[invoice.adult_registration_id])
        ]
    )


def _compute_source(*, caisse, period, chunk_size, ids, on_chunk) -> int:
    return billing_run_compute_adults(
        caisse=caisse, period=period, chunk_size=chunk_size, registration_ids=ids, on_chunk=on_chunk
    )


ADULT_MEALS_SOURCE = InvoiceSource(
    name="adultmeals", ids_to_bill=adult_registration_ids_to_bill, compute=_compute_source, order=ORDER
)
