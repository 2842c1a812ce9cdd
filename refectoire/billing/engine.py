"""The billing engine: a pure function from meal days, brackets in force and credits to lines.

No database here. The run (services.billing_run_compute) feeds it with what the enrollment
selector (`meal_days`), the pricing selector (`brackets_in_force`) and the unused credits give,
one chunk of households at a time, and writes what it returns.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from refectoire.core.money import round_money


@dataclass(frozen=True)
class Credit:
    """A credit not yet used (accepted refund, correction): deducted as a credit-note line."""

    id: int
    amount: Decimal
    label: str


@dataclass
class LineDraft:
    child_id: int | None
    meals: int
    unit_price: Decimal
    amount: Decimal
    days: list[date] = field(default_factory=list)
    bracket_number: int | None = None
    family_quotient: Decimal | None = None
    decision_id: int | None = None
    reason: str = ""
    credit_id: int | None = None
    label: str = ""
    # The days of a validated « panier repas » PAI: billed at the grid's panier-repas price.
    packed_meal: bool = False

    @property
    def is_credit(self) -> bool:
        return self.credit_id is not None


def check_coverage(spans) -> None:
    """Spans (sorted) must follow each other day after day: no gap, no overlap."""
    for before, after in zip(spans, spans[1:], strict=False):
        if (after.first_day - before.last_day).days != 1:
            raise ValueError(f"Tarifs en vigueur discontinus autour du {after.first_day:%d/%m/%Y}.")


def compute_lines(
    *,
    meal_days: dict[tuple[int, int], list[date]],
    brackets: dict[int, list],
    credits: dict[int, list[Credit]] | None = None,
    packed_meals: dict[int, list[tuple[date, date]]] | None = None,
) -> dict[int, list[LineDraft]]:
    """household_id → lines: one per child and bracket span with at least one meal, then credits.

    `packed_meals`: child_id → the (first, last) days of its validated « panier repas » PAI. A meal
    day inside one is billed apart, at the span's `packed_meal_price` (the grid's panier-repas
    price), on a line of its own (`packed_meal`, after the child's line of that span), even at
    0,00 €: the family reads why the day costs what it costs.

    A line's amount is meals × unit price, rounded once, at the line. Credits come oldest first
    and are used whole while the invoice stays positive; a credit that doesn't fit waits for a
    later invoice. A household with no meal gets no line (no invoice), whatever its credits.
    """
    credits = credits or {}
    packed_meals = packed_meals or {}
    by_household: dict[int, list[tuple[int, list[date]]]] = defaultdict(list)
    for (household_id, child_id), days in meal_days.items():
        if days:
            by_household[household_id].append((child_id, days))

    result: dict[int, list[LineDraft]] = {}
    for household_id in sorted(by_household):
        spans = sorted(brackets.get(household_id) or [], key=lambda s: s.first_day)
        if not spans:
            raise ValueError(f"Aucun tarif en vigueur pour le foyer {household_id}.")
        check_coverage(spans)
        lines: list[LineDraft] = []
        for child_id, days in sorted(by_household[household_id]):
            days = sorted(set(days))
            if days[0] < spans[0].first_day or days[-1] > spans[-1].last_day:
                raise ValueError(f"Aucun tarif en vigueur pour le foyer {household_id} certains jours.")
            for span in spans:
                low = bisect.bisect_left(days, span.first_day)
                high = bisect.bisect_right(days, span.last_day)
                if high <= low:
                    continue
                span_days = days[low:high]
                ranges = packed_meals.get(child_id)
                packed_days = [day for day in span_days if _inside(day, ranges)] if ranges else []
                if packed_days:
                    span_days = [day for day in span_days if not _inside(day, ranges)]
                if span_days:
                    lines.append(
                        LineDraft(
                            child_id=child_id,
                            meals=len(span_days),
                            unit_price=span.unit_price,
                            amount=round_money(span.unit_price * len(span_days)),
                            days=span_days,
                            bracket_number=span.bracket_number,
                            family_quotient=span.family_quotient,
                            decision_id=span.decision_id,
                            reason=span.reason,
                        )
                    )
                if packed_days:
                    price = span.packed_meal_price
                    lines.append(
                        LineDraft(
                            child_id=child_id,
                            meals=len(packed_days),
                            unit_price=price,
                            amount=round_money(price * len(packed_days)),
                            days=packed_days,
                            bracket_number=span.bracket_number,
                            family_quotient=span.family_quotient,
                            decision_id=span.decision_id,
                            reason=span.packed_meal_reason,
                            packed_meal=True,
                        )
                    )
        total = sum((line.amount for line in lines), Decimal("0.00"))
        for credit in sorted(credits.get(household_id, []), key=lambda c: c.id):
            amount = round_money(credit.amount)
            if amount <= 0 or amount > total:
                continue
            total -= amount
            lines.append(
                LineDraft(
                    child_id=None,
                    meals=0,
                    unit_price=Decimal("0.00"),
                    amount=-amount,
                    credit_id=credit.id,
                    label=credit.label,
                    reason=credit.label,
                )
            )
        result[household_id] = lines
    return result


def _inside(day: date, ranges) -> bool:
    return any(first <= day <= last for first, last in ranges)


def invoice_total(lines: list[LineDraft]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def compute_adult_lines(
    *,
    scheduled: dict[int, list[date]],
    extras: dict[int, list[tuple[date, int]]],
    prices: list,
    labels: dict[int, str] | None = None,
) -> dict[int, list[LineDraft]]:
    """registration_id → lines of an adult's invoice (restauration adulte).

    Per price span (the adult-meal price of each day's school year, `prices` consecutive spans
    with first_day, last_day, unit_price, reason): one line of the scheduled meals, then one line
    of the meals recorded off-schedule (a count per day). Amount: meals × price, rounded at the
    line. A registration with no meal gets no line (no invoice).
    """
    labels = labels or {}
    spans = sorted(prices, key=lambda s: s.first_day)
    check_coverage(spans)
    result: dict[int, list[LineDraft]] = {}
    for registration_id in sorted(set(scheduled) | set(extras)):
        days = sorted(set(scheduled.get(registration_id) or []))
        counted = sorted(extras.get(registration_id) or [])
        every_day = days + [day for day, _count in counted]
        if not every_day:
            continue
        if not spans or min(every_day) < spans[0].first_day or max(every_day) > spans[-1].last_day:
            raise ValueError(f"Aucun prix du repas adulte en vigueur pour l'inscription {registration_id}.")
        school = labels.get(registration_id, "")
        lines: list[LineDraft] = []
        for span in spans:
            span_days = [day for day in days if span.first_day <= day <= span.last_day]
            if span_days:
                lines.append(
                    LineDraft(
                        child_id=None,
                        meals=len(span_days),
                        unit_price=span.unit_price,
                        amount=round_money(span.unit_price * len(span_days)),
                        days=span_days,
                        reason=span.reason,
                        label=f"Repas au planning — {school}" if school else "Repas au planning",
                    )
                )
            span_counts = [(day, count) for day, count in counted if span.first_day <= day <= span.last_day]
            meals = sum(count for _day, count in span_counts)
            if meals:
                lines.append(
                    LineDraft(
                        child_id=None,
                        meals=meals,
                        unit_price=span.unit_price,
                        amount=round_money(span.unit_price * meals),
                        days=[day for day, _count in span_counts],
                        reason=span.reason,
                        label=f"Repas hors planning — {school}" if school else "Repas hors planning",
                    )
                )
        result[registration_id] = lines
    return result
