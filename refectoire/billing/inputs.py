"""The inputs of the billing run, read from the apps below billing (one function each).

enrollment: `meal_days` and the validated « panier repas » PAI (`packed_meal_spans`); pricing: `brackets_in_force`; billing's own `Credit` rows not yet used.
What higher apps bill (the adults' meals) reaches the run through `billing.sources`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.billing.engine import Credit
from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Credit as CreditModel
from refectoire.billing.models import InvoiceLine
from refectoire.core.lookups import Ids
from refectoire.enrollment.selectors import meal_days, packed_meal_spans
from refectoire.pricing.grids import tariff_grids_freeze
from refectoire.pricing.selectors import brackets_in_force


def load_meal_days(*, caisse, start: date, end: date, household_ids) -> dict[tuple[int, int], list[date]]:
    return meal_days(caisse=caisse, start=start, end=end, household_ids=household_ids)


def load_brackets(*, caisse, start: date, end: date, household_ids) -> dict[int, list]:
    return brackets_in_force(caisse=caisse, start=start, end=end, household_ids=household_ids)


def load_packed_meals(*, caisse, start: date, end: date, child_ids) -> dict[int, list[tuple[date, date]]]:
    """child_id → the (first, last) days of its validated « panier repas » PAI overlapping [start, end]."""
    return packed_meal_spans(caisse=caisse, start=start, end=end, child_ids=child_ids)


def load_unused_credits(*, caisse, household_ids) -> dict[int, list[Credit]]:
    """household_id → its credits (refunds for illness) not yet used by an issued invoice, oldest first.

    A credit lists the meals given back (`days`); each gives back what was invoiced for it: the
    unit price of the issued invoice line that billed that child on that day, never the bracket
    in force today. A day no issued invoice billed yet is priced at the household's bracket of
    that day (the price its invoice would carry: the panier-repas price on a day of a validated
    « panier repas » PAI). A credit that carries an amount keeps it.
    """
    rows = list(
        CreditModel.objects.filter(
            caisse=caisse, household_id__any=Ids(household_ids), used_by_invoice__isnull=True
        )
        .select_related("child")
        .order_by("created_at", "pk")
    )
    if not rows:
        return {}
    to_price = [row for row in rows if row.amount is None and row.days]
    invoiced, spans, packed = {}, {}, {}
    if to_price:
        invoiced = invoiced_unit_prices(children=[(row.household_id, row.child_id) for row in to_price])
        unbilled = [
            date.fromisoformat(day)
            for row in to_price
            for day in row.days
            if (row.household_id, row.child_id, day) not in invoiced
        ]
        if unbilled:
            spans = load_brackets(
                caisse=caisse,
                start=min(unbilled),
                end=max(unbilled),
                household_ids=sorted({row.household_id for row in to_price}),
            )
            packed = load_packed_meals(
                caisse=caisse,
                start=min(unbilled),
                end=max(unbilled),
                child_ids=sorted({row.child_id for row in to_price}),
            )
    credits: dict[int, list[Credit]] = {}
    for row in rows:
        amount = row.amount
        if amount is None:
            amount = Decimal("0.00")
            for value in row.days:
                price = invoiced.get((row.household_id, row.child_id, value))
                if price is None:
                    day = date.fromisoformat(value)
                    span = next(
                        (s for s in spans.get(row.household_id, []) if s.first_day <= day <= s.last_day), None
                    )
                    if span is None:
                        price = Decimal("0.00")
                    elif any(first <= day <= last for first, last in packed.get(row.child_id, ())):
                        price = span.packed_meal_price  # a « panier repas » day: what its line bills
                    else:
                        price = span.unit_price
                amount += price
        label = f"Remboursement : {row.meal_count} repas de {row.child.first_name}"
        credits.setdefault(row.household_id, []).append(Credit(id=row.pk, amount=amount, label=label))
    return credits


def invoiced_unit_prices(*, children) -> dict[tuple[int, int, str], Decimal]:
    """(household_id, child_id, ISO day) → the unit price an issued invoice billed that meal at."""
    pairs = set(children)
    lines = InvoiceLine.objects.filter(
        kind=LineKind.MEALS,
        invoice__kind=InvoiceKind.INVOICE,
        invoice__state=InvoiceState.ISSUED,
        invoice__household_id__in={household for household, _child in pairs},
        child_id__in={child for _household, child in pairs},
    ).values_list("invoice__household_id", "child_id", "unit_price", "days")
    prices = {}
    for household_id, child_id, unit_price, days in lines:
        if (household_id, child_id) in pairs:
            for day in days:
                prices[(household_id, child_id, day)] = unit_price
    return prices


def mark_credits_used(*, lines) -> None:
    """Record on each credit the issued invoice that used it (inside the issue transaction).

    `lines`: (credit_id, invoice uuid, amount of the line) for every credit line issued.
    """
    lines = list(lines)
    if not lines:
        return
    now = timezone.now()
    by_credit = {credit_id: (invoice_uuid, -amount) for credit_id, invoice_uuid, amount in lines}
    rows = list(CreditModel.objects.select_for_update().filter(pk__in=list(by_credit)))
    if any(row.used_by_invoice_id is not None for row in rows):
        raise ValidationError(
            "Un remboursement de ces brouillons a déjà été déduit d'une autre facture : recalculez les brouillons."
        )
    for row in rows:
        row.used_by_invoice_id, amount = by_credit[row.pk]
        row.used_at = now
        if row.amount is None:
            row.amount = amount
    CreditModel.objects.bulk_update(rows, ["used_by_invoice", "used_at", "amount"])


def freeze_grids(*, caisse, period) -> None:
    """Ask pricing to freeze the grids used by the issued invoices of `period`."""
    tariff_grids_freeze(caisse=caisse, start=period.start_date, end=period.end_date)
