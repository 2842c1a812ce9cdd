"""An independent, day-by-day reading of the meal-day rule, for the property tests.

Deliberately naive: one question to the database per day and per condition, written from the rule's
text and not from the selector's code.
"""

import datetime

from django.db.models import Q

from refectoire.enrollment.enums import AbsenceState, Custody, RhythmChangeState
from refectoire.enrollment.models import Absence, ChildLink, CustodyWeek, Enrollment, RhythmChange
from refectoire.schools.models import CalendarEntry, Closure, SchoolYear


def is_school_day(caisse, school, day):
    if day.isoweekday() > 5 or str(day.isoweekday()) not in school.weekdays:
        return False
    if not SchoolYear.objects.filter(caisse=caisse, first_day__lte=day, last_day__gte=day).exists():
        return False
    if CalendarEntry.objects.filter(caisse=caisse, first_day__lte=day, last_day__gte=day).exists():
        return False
    closures = Closure.objects.filter(caisse=caisse, first_day__lte=day, last_day__gte=day)
    return not closures.filter(Q(school=school) | Q(school__isnull=True)).exists()


def weekdays_on(enrollment, day):
    latest = (
        RhythmChange.objects.filter(
            enrollment=enrollment, state=RhythmChangeState.VALIDATED, starts_on__lte=day
        )
        .order_by("-starts_on", "-decided_at", "-pk")
        .first()
    )
    return latest.weekdays if latest else enrollment.weekdays


def custody_gives(enrollment, day):
    week = day.isocalendar().week
    if enrollment.custody == Custody.FULL:
        return True
    if enrollment.custody == Custody.EVEN:
        return week % 2 == 0
    if enrollment.custody == Custody.ODD:
        return week % 2 == 1
    link = ChildLink.objects.filter(Q(child_a=enrollment.child) | Q(child_b=enrollment.child)).first()
    if link is None:
        return False
    monday = day - datetime.timedelta(days=day.weekday())
    return CustodyWeek.objects.filter(link=link, monday=monday, household=enrollment.household).exists()


def is_absent(enrollment, day):
    return Absence.objects.filter(
        household=enrollment.household,
        child=enrollment.child,
        state=AbsenceState.ACCEPTED,
        first_day__lte=day,
        last_day__gte=day,
    ).exists()


def naive_meal_days(caisse, start, end):
    result = {}
    for enrollment in Enrollment.objects.filter(caisse=caisse).select_related("school", "child", "household"):
        day = start
        while day <= end:
            if (
                enrollment.start_date <= day <= enrollment.end_date
                and is_school_day(caisse, enrollment.school, day)
                and str(day.isoweekday()) in weekdays_on(enrollment, day)
                and custody_gives(enrollment, day)
                and not is_absent(enrollment, day)
            ):
                result.setdefault((enrollment.household_id, enrollment.child_id), set()).add(day)
            day += datetime.timedelta(days=1)
    return {key: sorted(days) for key, days in result.items()}
