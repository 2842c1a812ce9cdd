"""The rule of a meal day, condition by condition, on the 2026-2027 calendar of zone C."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from refectoire.enrollment.absences import absence_create
from refectoire.enrollment.enums import AbsenceState, Custody, DayStatus
from refectoire.enrollment.selectors import day_status, day_statuses, expected_meals, meal_days
from refectoire.enrollment.services import (
    child_link_create,
    custody_weeks_set,
    enrollment_cancel,
    enrollment_create,
    rhythm_change_apply,
    rhythm_change_reject,
    rhythm_change_request,
)
from refectoire.schools.enums import CalendarKind
from refectoire.schools.services import closure_create
from tests.enrollment.factories import family
from tests.schools.factories import SchoolFactory

D = datetime.date


def days_of(caisse, household, child, start, end):
    return meal_days(caisse=caisse, start=start, end=end).get((household.pk, child.pk), [])


@pytest.fixture
def enrolled(cde11, keller, year_2026, family_a):
    household, child = family_a
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=year_2026, weekdays="12345"
    )
    return household, child, enrollment


def test_the_first_week_is_served_from_the_rentree_tuesday_to_friday(cde11, enrolled):
    household, child, _ = enrolled
    assert days_of(cde11, household, child, D(2026, 8, 31), D(2026, 9, 6)) == [
        D(2026, 9, 1),
        D(2026, 9, 2),
        D(2026, 9, 3),
        D(2026, 9, 4),
    ]


def test_a_weekend_is_never_a_meal_day_even_if_a_school_says_it_serves_saturday(cde11, year_2026, family_a):
    household, child = family_a
    school = SchoolFactory(caisse=cde11, weekdays="123456")
    enrollment_create(
        household=household, child=child, school=school, school_year=year_2026, weekdays="12345"
    )
    assert days_of(cde11, household, child, D(2026, 9, 5), D(2026, 9, 6)) == []
    assert (
        day_status(caisse=cde11, household=household, child=child, day=D(2026, 9, 5)) == DayStatus.NO_SERVICE
    )


def test_toussaint_and_christmas_holidays_are_not_served(cde11, enrolled):
    household, child, _ = enrolled
    served = days_of(cde11, household, child, D(2026, 10, 12), D(2027, 1, 8))
    assert D(2026, 10, 16) in served
    assert not [d for d in served if D(2026, 10, 17) <= d <= D(2026, 11, 1)]
    assert D(2026, 11, 2) in served
    assert D(2026, 12, 18) in served
    assert not [d for d in served if D(2026, 12, 19) <= d <= D(2027, 1, 3)]
    assert D(2027, 1, 4) in served
    statuses = day_statuses(
        caisse=cde11, household=household, child=child, start=D(2026, 10, 19), end=D(2026, 10, 19)
    )
    assert statuses[D(2026, 10, 19)] == DayStatus.SCHOOL_HOLIDAY


@pytest.mark.parametrize(
    "holiday",
    [D(2026, 11, 11), D(2027, 3, 29), D(2027, 5, 17), D(2027, 5, 6)],
    ids=["armistice-wednesday", "easter-monday", "whit-monday", "ascension"],
)
def test_public_holidays_inside_school_periods_are_not_served(cde11, enrolled, holiday):
    household, child, _ = enrolled
    week = days_of(cde11, household, child, holiday - datetime.timedelta(days=7), holiday)
    assert holiday not in week
    assert holiday - datetime.timedelta(days=7) in week
    assert day_status(caisse=cde11, household=household, child=child, day=holiday) == DayStatus.PUBLIC_HOLIDAY


def test_the_ascension_bridge_friday_is_a_school_holiday(cde11, enrolled):
    household, child, _ = enrolled
    assert (
        day_status(caisse=cde11, household=household, child=child, day=D(2027, 5, 7))
        == DayStatus.SCHOOL_HOLIDAY
    )


def test_easter_and_whit_mondays_of_2026_are_not_served(cde11, keller, family_a):
    from tests.schools.factories import school_year

    year = school_year(cde11, "2025-2026")
    household, child = family_a
    enrollment_create(household=household, child=child, school=keller, school_year=year, weekdays="12345")
    served = days_of(cde11, household, child, D(2026, 3, 30), D(2026, 5, 29))
    assert D(2026, 4, 6) not in served and D(2026, 4, 7) in served
    assert D(2026, 5, 25) not in served and D(2026, 5, 26) in served
    assert D(2026, 5, 8) not in served


def test_a_closure_of_one_school_spares_the_others_and_a_caisse_closure_closes_all(cde11, keller, year_2026):
    other = SchoolFactory(caisse=cde11, name="École maternelle Popincourt")
    (h1, (c1,)), (h2, (c2,)) = family(cde11), family(cde11)
    enrollment_create(household=h1, child=c1, school=keller, school_year=year_2026, weekdays="12345")
    enrollment_create(household=h2, child=c2, school=other, school_year=year_2026, weekdays="12345")
    closure_create(
        caisse=cde11, school=keller, first_day=D(2026, 9, 14), last_day=D(2026, 9, 15), reason="Grève"
    )
    closure_create(
        caisse=cde11, school=None, first_day=D(2026, 9, 17), last_day=D(2026, 9, 17), reason="Travaux"
    )
    result = meal_days(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 18))
    assert result[h1.pk, c1.pk] == [D(2026, 9, 16), D(2026, 9, 18)]
    assert result[h2.pk, c2.pk] == [D(2026, 9, 14), D(2026, 9, 15), D(2026, 9, 16), D(2026, 9, 18)]
    assert day_status(caisse=cde11, household=h1, child=c1, day=D(2026, 9, 14)) == DayStatus.CLOSURE


def test_only_the_childs_weekdays_are_served(cde11, keller, year_2026, family_a):
    household, child = family_a
    enrollment_create(household=household, child=child, school=keller, school_year=year_2026, weekdays="124")
    assert days_of(cde11, household, child, D(2026, 9, 7), D(2026, 9, 13)) == [
        D(2026, 9, 7),
        D(2026, 9, 8),
        D(2026, 9, 10),
    ]
    assert (
        day_status(caisse=cde11, household=household, child=child, day=D(2026, 9, 9)) == DayStatus.NOT_WEEKDAY
    )


def test_a_school_that_does_not_serve_wednesday_refuses_it_and_is_never_served_then(
    cde11, year_2026, family_a
):
    household, child = family_a
    school = SchoolFactory(caisse=cde11, weekdays="1245", name="École Belleville")
    with pytest.raises(ValidationError) as error:
        enrollment_create(
            household=household, child=child, school=school, school_year=year_2026, weekdays="123"
        )
    assert "ne sert pas le mercredi" in str(error.value)


def test_even_and_odd_iso_weeks_across_new_year_with_week_53(cde11, keller, year_2026, family_a, family_b):
    """2026 has an ISO week 53 (28 Dec – 3 Jan): odd like week 1 of 2027, so the odd household has two
    weeks in a row. The Christmas holidays are removed here as a manager would correct the calendar."""
    year_2026.calendar_entries.filter(kind=CalendarKind.SCHOOL_HOLIDAY, first_day=D(2026, 12, 19)).delete()
    (ha, ca), (hb, cb) = family_a, family_b
    enrollment_create(
        household=ha, child=ca, school=keller, school_year=year_2026, weekdays="12345", custody=Custody.EVEN
    )
    enrollment_create(
        household=hb, child=cb, school=keller, school_year=year_2026, weekdays="12345", custody=Custody.ODD
    )
    child_link_create(caisse=cde11, child_a=ca, child_b=cb)
    result = meal_days(caisse=cde11, start=D(2026, 12, 21), end=D(2027, 1, 8))
    assert D(2026, 12, 28).isocalendar().week == 53
    assert result[ha.pk, ca.pk] == [D(2026, 12, 21), D(2026, 12, 22), D(2026, 12, 23), D(2026, 12, 24)]
    assert result[hb.pk, cb.pk] == [
        D(2026, 12, 28),
        D(2026, 12, 29),
        D(2026, 12, 30),
        D(2026, 12, 31),
        D(2027, 1, 4),
        D(2027, 1, 5),
        D(2027, 1, 6),
        D(2027, 1, 7),
        D(2027, 1, 8),
    ]
    assert day_status(caisse=cde11, household=ha, child=ca, day=D(2027, 1, 4)) == DayStatus.OTHER_GUARDIAN


def test_the_same_parity_in_both_households_is_refused(cde11, keller, year_2026, family_a, family_b):
    (ha, ca), (hb, cb) = family_a, family_b
    enrollment_create(
        household=ha, child=ca, school=keller, school_year=year_2026, weekdays="12345", custody=Custody.EVEN
    )
    child_link_create(caisse=cde11, child_a=ca, child_b=cb)
    with pytest.raises(ValidationError) as error:
        enrollment_create(
            household=hb, child=cb, school=keller, school_year=year_2026, weekdays="12", custody=Custody.EVEN
        )
    assert "L'autre responsable a choisi « Semaines paires »" in str(error.value)


def test_a_custody_calendar_serves_each_household_on_its_weeks(cde11, keller, year_2026, family_a, family_b):
    (ha, ca), (hb, cb) = family_a, family_b
    for household, child in ((ha, ca), (hb, cb)):
        enrollment_create(
            household=household,
            child=child,
            school=keller,
            school_year=year_2026,
            weekdays="12345",
            custody=Custody.CALENDAR,
        )
    link = child_link_create(caisse=cde11, child_a=ca, child_b=cb)
    custody_weeks_set(link=link, weeks={D(2026, 9, 7): ha, D(2026, 9, 14): ha, D(2026, 9, 21): hb})
    result = meal_days(caisse=cde11, start=D(2026, 9, 7), end=D(2026, 9, 27))
    assert [d.isocalendar().week for d in result[ha.pk, ca.pk]] == [37] * 5 + [38] * 5
    assert [d.isocalendar().week for d in result[hb.pk, cb.pk]] == [39] * 5


def test_a_validated_rhythm_change_applies_from_the_next_billing_period(
    cde11, enrolled, periods_2026, agent_cde11
):
    household, child, enrollment = enrolled
    change = rhythm_change_request(enrollment=enrollment, weekdays="14")
    assert change.starts_on is None
    rhythm_change_apply(change=change, actor=agent_cde11, today=D(2026, 9, 20))
    change.refresh_from_db()
    assert change.starts_on == D(2026, 11, 1)
    served = days_of(cde11, household, child, D(2026, 10, 12), D(2026, 11, 8))
    assert served[:5] == [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15), D(2026, 10, 16)]
    assert served[5:] == [D(2026, 11, 2), D(2026, 11, 5)]


def test_a_decided_rhythm_change_is_not_decided_again(cde11, enrolled, periods_2026, agent_cde11):
    _household, _child, enrollment = enrolled
    change = rhythm_change_request(enrollment=enrollment, weekdays="14")
    rhythm_change_apply(change=change, actor=agent_cde11, today=D(2026, 9, 20))
    with pytest.raises(ValidationError, match="déjà été traité"):
        rhythm_change_reject(change=change, actor=agent_cde11, message="Non.")
    with pytest.raises(ValidationError, match="déjà été traité"):
        rhythm_change_apply(change=change, actor=agent_cde11, today=D(2026, 9, 20))
    change.refresh_from_db()
    assert change.state == "validated"
    assert list(enrollment.events.values_list("action", flat=True)) == [
        "create",
        "rhythm_request",
        "rhythm_validated",
    ]


def test_a_pending_rhythm_change_changes_nothing(cde11, enrolled):
    household, child, enrollment = enrolled
    rhythm_change_request(enrollment=enrollment, weekdays="1")
    assert len(days_of(cde11, household, child, D(2026, 9, 7), D(2026, 9, 11))) == 5


def test_no_meal_after_the_last_day_of_a_cancelled_enrollment(cde11, enrolled):
    household, child, enrollment = enrolled
    enrollment_cancel(enrollment=enrollment, last_day=D(2026, 9, 9), reason="Déménagement")
    assert days_of(cde11, household, child, D(2026, 9, 7), D(2026, 9, 11)) == [
        D(2026, 9, 7),
        D(2026, 9, 8),
        D(2026, 9, 9),
    ]
    assert (
        day_status(caisse=cde11, household=household, child=child, day=D(2026, 9, 10))
        == DayStatus.NOT_ENROLLED
    )
    with pytest.raises(ValidationError, match="déjà annulée"):
        enrollment_cancel(enrollment=enrollment, last_day=D(2026, 9, 9), reason="Encore")
    assert enrollment.events.filter(action="cancel").count() == 1


def test_no_meal_after_the_school_years_last_day(cde11, enrolled):
    household, child, _ = enrolled
    assert days_of(cde11, household, child, D(2027, 6, 28), D(2027, 7, 9)) == [
        D(2027, 6, 28),
        D(2027, 6, 29),
        D(2027, 6, 30),
        D(2027, 7, 1),
        D(2027, 7, 2),
    ]


def test_only_an_accepted_absence_removes_days(cde11, enrolled):
    household, child, _ = enrolled
    absence_create(household=household, child=child, first_day=D(2026, 9, 7), last_day=D(2026, 9, 8))
    absence_create(
        household=household,
        child=child,
        first_day=D(2026, 9, 10),
        last_day=D(2026, 9, 10),
        state=AbsenceState.PENDING,
    )
    assert days_of(cde11, household, child, D(2026, 9, 7), D(2026, 9, 11)) == [
        D(2026, 9, 9),
        D(2026, 9, 10),
        D(2026, 9, 11),
    ]
    assert day_status(caisse=cde11, household=household, child=child, day=D(2026, 9, 7)) == DayStatus.ABSENCE


def test_household_ids_restrict_the_result(cde11, keller, year_2026, family_a, family_b):
    for household, child in (family_a, family_b):
        enrollment_create(
            household=household, child=child, school=keller, school_year=year_2026, weekdays="1"
        )
    result = meal_days(caisse=cde11, start=D(2026, 9, 1), end=D(2026, 9, 30), household_ids=[family_b[0].pk])
    assert list(result) == [(family_b[0].pk, family_b[1].pk)]


def test_another_caisse_is_never_counted(cde11, cde19, enrolled):
    assert meal_days(caisse=cde19, start=D(2026, 9, 1), end=D(2026, 9, 30)) == {}


def test_expected_meals_of_a_school_lists_the_enrollments_of_each_day(cde11, keller, enrolled):
    _household, _child, enrollment = enrolled
    by_day = expected_meals(caisse=cde11, school=keller, start=D(2026, 9, 5), end=D(2026, 9, 7))
    assert by_day == {D(2026, 9, 5): [], D(2026, 9, 6): [], D(2026, 9, 7): [enrollment.pk]}


def test_the_number_of_queries_does_not_grow_with_the_children(
    cde11, keller, year_2026, django_assert_max_num_queries
):
    for n in range(30):
        household, (child,) = family(cde11)
        enrollment_create(
            household=household,
            child=child,
            school=keller,
            school_year=year_2026,
            weekdays="12345"[: 1 + n % 5],
            custody=[Custody.FULL, Custody.EVEN, Custody.ODD][n % 3],
        )
    with django_assert_max_num_queries(8):
        result = meal_days(caisse=cde11, start=D(2026, 9, 1), end=D(2027, 7, 2))
    assert len(result) == 30


def test_the_planning_shows_the_future_rhythm_from_its_start_date(cde11, enrolled, periods_2026, agent_cde11):
    household, child, enrollment = enrolled
    change = rhythm_change_request(enrollment=enrollment, weekdays="1245")
    rhythm_change_apply(change=change, actor=agent_cde11, today=D(2026, 9, 20))
    statuses = day_statuses(
        caisse=cde11, household=household, child=child, start=D(2026, 10, 14), end=D(2026, 11, 4)
    )
    assert statuses[D(2026, 10, 14)] == DayStatus.SERVED  # a Wednesday before the next period
    assert statuses[D(2026, 11, 4)] == DayStatus.NOT_WEEKDAY  # a Wednesday of the next period


def test_a_rhythm_change_without_a_coming_billing_period_cannot_be_validated(cde11, enrolled, agent_cde11):
    _household, _child, enrollment = enrolled
    change = rhythm_change_request(enrollment=enrollment, weekdays="12")
    with pytest.raises(ValidationError, match="Aucune période de facturation à venir"):
        rhythm_change_apply(change=change, actor=agent_cde11, today=D(2026, 9, 20))
