"""Meals of the adults in a period, for the billing run (billed at the grid's adult price).

A scheduled meal of a registration is a day when the school's canteen serves (the Caisse's
calendar: school year, the school's weekdays, no school holiday, public holiday or closure of the
school or of the whole Caisse, the same calendar as the children's, `enrollment.selectors`), on a
weekday the adult chose, between the registration's first and last day. Meals eaten off-schedule
are counted per day by the agents (`AdultExtraMeal`).
"""

import datetime
from collections import defaultdict

from django.db.models import Q

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultExtraMeal, AdultRegistration
from refectoire.schools.calendar import CalendarBits, Window


def billable_registrations(*, caisse, start: datetime.date, end: datetime.date):
    """Registrations of `caisse` validated (or validated then ended) whose dates overlap [start, end]."""
    return (
        AdultRegistration.objects.for_caisse(caisse)
        .filter(state__in=[RegistrationState.VALIDATED, RegistrationState.ENDED], decided_at__isnull=False)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    )


def scheduled_meal_days(
    *, caisse, start: datetime.date, end: datetime.date, registration_ids=None
) -> dict[int, list[datetime.date]]:
    """{registration id: [days]}: the scheduled meals of the billable registrations in [start, end]."""

    registrations = billable_registrations(caisse=caisse, start=start, end=end)
    if registration_ids is not None:
        registrations = registrations.filter(pk__in=list(registration_ids))
    rows = list(registrations.values_list("pk", "school_id", "weekdays", "starts_on", "ends_on", "state"))
    rows = [row for row in rows if not (row[5] == RegistrationState.ENDED and row[4] is None)]
    if not rows:
        return {}
    window = Window(start, end)
    calendar = CalendarBits.load(caisse=caisse, window=window, school_ids=sorted({row[1] for row in rows}))
    result = {}
    for pk, school_id, weekdays, starts_on, ends_on, _state in rows:
        bits = calendar.school_days(school_id) & window.weekdays(weekdays) & window.span(starts_on, ends_on)
        if bits:
            result[pk] = window.dates(bits)
    return result


def extra_meals(
    *, caisse, start: datetime.date, end: datetime.date, registration_ids=None
) -> dict[int, list[tuple[datetime.date, int]]]:
    """{registration id: [(day, count)]}: the meals the agents recorded off-schedule in [start, end]."""
    rows = AdultExtraMeal.objects.filter(registration__caisse=caisse, day__gte=start, day__lte=end)
    if registration_ids is not None:
        rows = rows.filter(registration_id__in=list(registration_ids))
    result: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for registration_id, day, count in rows.order_by("day").values_list("registration_id", "day", "count"):
        result[registration_id].append((day, count))
    return dict(result)


def registrations_with_extra_meals(*, caisse, start: datetime.date, end: datetime.date) -> set[int]:
    return set(
        AdultExtraMeal.objects.filter(registration__caisse=caisse, day__gte=start, day__lte=end).values_list(
            "registration_id", flat=True
        )
    )


def adult_meals_for_period(*, caisse, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """{AdultRegistration id: meals} for `caisse` between `start` and `end` (included).

    Meals of the schedule plus the meals agents recorded off-schedule.
    """
    counts: dict[int, int] = defaultdict(int)
    for pk, days in scheduled_meal_days(caisse=caisse, start=start, end=end).items():
        counts[pk] += len(days)
    for pk, meals in extra_meals(caisse=caisse, start=start, end=end).items():
        counts[pk] += sum(count for _day, count in meals)
    return {pk: count for pk, count in counts.items() if count > 0}


def pending_registrations(caisse):
    return AdultRegistration.objects.for_caisse(caisse).filter(state=RegistrationState.SUBMITTED)
