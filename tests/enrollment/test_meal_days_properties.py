"""Properties of the meal-day rule on generated calendars, enrollments and custodies."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.enrollment.enums import MEAL_STATUSES, AbsenceState, Custody, RhythmChangeState
from refectoire.enrollment.models import Absence, RhythmChange
from refectoire.enrollment.selectors import day_statuses, expected_meals, meal_days, with_meal_flags
from refectoire.enrollment.services import (
    child_link_create,
    custody_weeks_set,
    enrollment_create,
    monday_of,
)
from refectoire.schools.services import closure_create
from tests.enrollment.factories import family
from tests.enrollment.naive import naive_meal_days
from tests.schools.factories import SchoolFactory

D = datetime.date
YEAR_FIRST, YEAR_LAST = D(2026, 9, 1), D(2027, 7, 2)
# Around the new year of 2027 (ISO week 53) and the autumn.
day_in_year = st.dates(min_value=D(2026, 8, 24), max_value=D(2027, 2, 20))
weekdays = st.sets(st.sampled_from("12345"), min_size=1).map(lambda s: "".join(sorted(s)))
CUSTODY_PAIRS = [(a, b) for a in Custody.values for b in Custody.values]


@st.composite
def date_range(draw, max_length=40):
    first = draw(day_in_year)
    return first, first + datetime.timedelta(days=draw(st.integers(0, max_length)))


@st.composite
def scenario(draw):
    return {
        "school_weekdays": draw(weekdays),
        "closures": draw(st.lists(st.tuples(date_range(max_length=5), st.booleans()), max_size=3)),
        "removed_holidays": draw(st.booleans()),
        "children": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "weekdays": weekdays,
                        "custodies": st.sampled_from(CUSTODY_PAIRS),
                        "shared": st.booleans(),
                        "start": st.one_of(st.none(), day_in_year),
                        "rhythm": st.lists(st.tuples(day_in_year, weekdays), max_size=2),
                        "absences": st.lists(st.tuples(date_range(max_length=6), st.booleans()), max_size=2),
                        "weeks": st.lists(st.tuples(day_in_year, st.sampled_from([0, 1, None])), max_size=8),
                    }
                ),
                min_size=1,
                max_size=3,
            )
        ),
        "window": draw(date_range(max_length=45)),
    }


def build(caisse, year, data):
    """Write a generated scenario through the services; returns the enrollments that were accepted."""
    if data["removed_holidays"]:
        year.calendar_entries.filter(first_day__gte=D(2026, 12, 1), first_day__lte=D(2027, 1, 5)).delete()
    school = SchoolFactory(caisse=caisse, weekdays="12345")
    other_school = SchoolFactory(caisse=caisse, weekdays=data["school_weekdays"])
    for (first, last), whole_caisse in data["closures"]:
        closure_create(
            caisse=caisse,
            school=None if whole_caisse else school,
            first_day=first,
            last_day=last,
            reason="Grève",
        )
    made = []
    for n, child_data in enumerate(data["children"]):
        households = [family(caisse)]
        if child_data["shared"]:
            households.append(family(caisse))
        for index, (household, (child,)) in enumerate(households):
            target = school if n % 2 == 0 else other_school
            days = "".join(d for d in child_data["weekdays"] if d in target.weekdays) or target.weekdays[0]
            try:
                made.append(
                    enrollment_create(
                        household=household,
                        child=child,
                        school=target,
                        school_year=year,
                        weekdays=days,
                        custody=child_data["custodies"][index]
                        if child_data["shared"]
                        else child_data["custodies"][0],
                        start_date=child_data["start"],
                    )
                )
            except ValidationError:
                pass
            for (first, last), accepted in child_data["absences"]:
                # Straight into the table: the selector must hold whatever the rows (overlaps too).
                Absence.objects.create(
                    household=household,
                    child=child,
                    first_day=first,
                    last_day=last,
                    state=AbsenceState.ACCEPTED if accepted else AbsenceState.PENDING,
                )
        if child_data["shared"]:
            (ha, (ca,)), (hb, (cb,)) = households
            try:
                link = child_link_create(caisse=caisse, child_a=ca, child_b=cb)
            except ValidationError:
                continue
            custody_weeks_set(
                link=link,
                weeks={
                    monday_of(day): (None if who is None else (ha, hb)[who])
                    for day, who in child_data["weeks"]
                },
            )
        for starts_on, new_weekdays in child_data["rhythm"]:
            for enrollment in made[-len(households) :]:
                allowed = "".join(d for d in new_weekdays if d in enrollment.school.weekdays)
                if allowed:
                    RhythmChange.objects.create(
                        enrollment=enrollment,
                        weekdays=allowed,
                        state=RhythmChangeState.VALIDATED,
                        starts_on=starts_on,
                    )
    return made


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(data=scenario())
@pytest.mark.django_db
def test_meal_days_equals_the_naive_day_by_day_reading_of_the_rule(cde11, year_2026, data):
    with transaction.atomic():
        build(cde11, year_2026, data)
        start, end = data["window"]
        assert meal_days(caisse=cde11, start=start, end=end) == naive_meal_days(cde11, start, end)
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(data=scenario())
@pytest.mark.django_db
def test_a_households_enrollments_read_with_their_flags_give_the_same_days(cde11, year_2026, data):
    """« Mon espace » reads its enrollments `with_meal_flags` so that `meal_days` skips the rhythm
    changes and the absences when none bears on the window: the days are those of the rule."""
    from refectoire.enrollment.models import Enrollment

    with transaction.atomic():
        made = build(cde11, year_2026, data)
        start, end = data["window"]
        naive = naive_meal_days(cde11, start, end)
        for household_id in {enrollment.household_id for enrollment in made}:
            enrollments = list(
                with_meal_flags(
                    Enrollment.objects.filter(household_id=household_id), caisse=cde11, start=start, end=end
                )
            )
            result = meal_days(
                caisse=cde11, start=start, end=end, household_ids=[household_id], enrollments=enrollments
            )
            assert result == {key: days for key, days in naive.items() if key[0] == household_id}
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(data=scenario())
@pytest.mark.django_db
def test_a_day_is_served_in_at_most_one_household_of_a_child_in_shared_custody(cde11, year_2026, data):
    from refectoire.enrollment.models import ChildLink

    with transaction.atomic():
        build(cde11, year_2026, data)
        start, end = data["window"]
        result = meal_days(caisse=cde11, start=start, end=end)
        for link in ChildLink.objects.filter(caisse=cde11).select_related("child_a", "child_b"):
            days_a = set(result.get((link.child_a.household_id, link.child_a_id), []))
            days_b = set(result.get((link.child_b.household_id, link.child_b_id), []))
            assert not days_a & days_b
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(data=scenario())
@pytest.mark.django_db
def test_the_planning_and_the_expected_meals_agree_with_meal_days(cde11, year_2026, data):
    with transaction.atomic():
        made = build(cde11, year_2026, data)
        start, end = data["window"]
        result = meal_days(caisse=cde11, start=start, end=end)
        for enrollment in made:
            statuses = day_statuses(
                caisse=cde11, household=enrollment.household, child=enrollment.child, start=start, end=end
            )
            served = [day for day, status in statuses.items() if status in MEAL_STATUSES]
            assert served == result.get((enrollment.household_id, enrollment.child_id), [])
        for school in {enrollment.school for enrollment in made}:
            forecast = expected_meals(caisse=cde11, school=school, start=start, end=end)
            for day, enrollment_ids in forecast.items():
                expected = {
                    e.pk
                    for e in made
                    if e.school_id == school.pk and day in result.get((e.household_id, e.child_id), [])
                }
                assert set(enrollment_ids) == expected
        transaction.set_rollback(True)
