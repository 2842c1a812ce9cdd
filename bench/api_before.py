"""`kitchen_forecast` as it was before it counted per pattern (commit ef54858), copied verbatim for
`./dev bench api`'s comparison: one pass per child and per day. Not used by the application."""

from __future__ import annotations

import datetime
from collections import defaultdict

from refectoire.enrollment.models import MealOption, MealOptionChoice, Pai
from refectoire.enrollment.selectors import STANDARD_MEAL, ForecastCount, _enrollment_bits
from refectoire.schools.calendar import ONE_DAY


def kitchen_forecast(
    *, caisse, start: datetime.date, end: datetime.date, school_ids=None
) -> list[ForecastCount]:
    """The meals expected per school and school day of [start, end] (every school of the Caisse, or
    `school_ids`): the one computation behind the back office's « Effectifs prévus » and the
    partners' API, so they cannot disagree.

    `by_option` counts the meals by the option in force that day (the standard meal as
    « Repas standard »), only when the Caisse offers options or a family chose one; `pai_meals`
    counts the meals of children with a validated PAI covering the day."""
    calendar, rows = _enrollment_bits(caisse=caisse, start=start, end=end, school_ids=school_ids)
    window = calendar.window
    enrollment_ids = [row.enrollment_id for row in rows if row.served]
    # enrollment -> [(first bit, option label or None)], sorted by start
    choices = defaultdict(list)
    for enrollment_id, starts_on, label in (
        MealOptionChoice.objects.filter(enrollment_id__in=enrollment_ids, starts_on__lte=end)
        .order_by("enrollment_id", "starts_on")
        .values_list("enrollment_id", "starts_on", "option__label")
    ):
        choices[enrollment_id].append((starts_on, label))
    with_options = bool(choices) or MealOption.objects.for_caisse(caisse).exists()
    pai_bits = defaultdict(int)  # child_id -> days covered by a validated PAI
    for child_id, first, last in (
        Pai.objects.for_caisse(caisse)
        .overlapping(start, end)
        .filter(child_id__in={row.child_id for row in rows})
        .values_list("child_id", "starts_on", "ends_on")
    ):
        pai_bits[child_id] |= window.span(first, last)

    counts: dict[tuple[int, datetime.date], int] = defaultdict(int)
    options: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pai: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for row in rows:
        served = row.served
        if not served:
            continue
        for day in window.dates(served):
            counts[row.school_id, day] += 1
        for day in window.dates(served & pai_bits.get(row.child_id, 0)):
            pai[row.school_id, day] += 1
        if not with_options:
            continue
        segments = [(start, None), *choices.get(row.enrollment_id, [])]
        for index, (first, label) in enumerate(segments):
            last = segments[index + 1][0] - ONE_DAY if index + 1 < len(segments) else None
            bits = served & window.span(max(first, start), last)
            for day in window.dates(bits):
                options[row.school_id, day][label or STANDARD_MEAL] += 1
    return [
        ForecastCount(
            school_id=school_id,
            day=day,
            meals=meals,
            by_option=dict(sorted(options[school_id, day].items())) if with_options else {},
            pai_meals=pai.get((school_id, day), 0),
        )
        for (school_id, day), meals in sorted(counts.items())
    ]
