"""Meals of the adults in a period, for the billing run (billed at the grid's adult price)."""

import datetime
from collections import defaultdict

from django.db.models import Q, Sum

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultExtraMeal, AdultRegistration


def school_days(*, caisse, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The days the canteens serve between `start` and `end`.

    For now Monday to Friday: the Caisse's calendar (holidays, closures) lives in the enrollment
    and schools apps and is connected here at merge.
    """
    days, day = [], start
    while day <= end:
        if day.isoweekday() <= 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def adult_meals_for_period(*, caisse, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """{AdultRegistration id: meals} for `caisse` between `start` and `end` (included).

    Meals of the schedule (validated registration, its weekdays within the school's, school days
    between its first and last day) plus the meals agents recorded off-schedule.
    """
    counts: dict[int, int] = defaultdict(int)
    days = school_days(caisse=caisse, start=start, end=end)
    registrations = (
        AdultRegistration.objects.for_caisse(caisse)
        .filter(state__in=[RegistrationState.VALIDATED, RegistrationState.ENDED], starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("school")
    )
    for registration in registrations:
        if registration.state == RegistrationState.ENDED and registration.ends_on is None:
            continue
        for day in days:
            if day < registration.starts_on or (registration.ends_on and day > registration.ends_on):
                continue
            weekday = str(day.isoweekday())
            if weekday in registration.weekdays and weekday in registration.school.weekdays:
                counts[registration.pk] += 1
    extras = (
        AdultExtraMeal.objects.filter(registration__caisse=caisse, day__gte=start, day__lte=end)
        .values("registration_id")
        .annotate(total=Sum("count"))
    )
    for row in extras:
        counts[row["registration_id"]] += row["total"]
    return {pk: count for pk, count in counts.items() if count > 0}


def pending_registrations(caisse):
    return AdultRegistration.objects.for_caisse(caisse).filter(state=RegistrationState.SUBMITTED)
