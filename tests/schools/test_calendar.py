"""The Caisse's calendar computed when a school year is created, checked against the reference of zone C
(the dates below are copied from the reference: first day off → day classes resume)."""

import datetime

import pytest

from refectoire.schools.enums import CalendarKind
from refectoire.schools.services import school_days
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db
D = datetime.date

# (first day off, day classes resume)
HOLIDAYS_2025 = [
    (D(2025, 10, 18), D(2025, 11, 3)),
    (D(2025, 12, 20), D(2026, 1, 5)),
    (D(2026, 2, 21), D(2026, 3, 9)),
    (D(2026, 4, 18), D(2026, 5, 4)),
    (D(2026, 5, 14), D(2026, 5, 18)),
]
HOLIDAYS_2026 = [
    (D(2026, 10, 17), D(2026, 11, 2)),
    (D(2026, 12, 19), D(2027, 1, 4)),
    (D(2027, 2, 6), D(2027, 2, 22)),
    (D(2027, 4, 3), D(2027, 4, 19)),
    (D(2027, 5, 6), D(2027, 5, 10)),
]
WEEKDAY_PUBLIC_HOLIDAYS = {
    "2025-2026": [D(2025, 11, 11), D(2026, 4, 6), D(2026, 5, 8), D(2026, 5, 25)],
    "2026-2027": [D(2026, 11, 11), D(2027, 3, 29), D(2027, 5, 17)],
}
PUBLIC_2026 = [
    D(2026, 1, 1), D(2026, 4, 6), D(2026, 5, 1), D(2026, 5, 8), D(2026, 5, 14), D(2026, 5, 25),
]  # fmt: skip
PUBLIC_2027 = [
    D(2027, 1, 1), D(2027, 3, 29), D(2027, 5, 1), D(2027, 5, 6), D(2027, 5, 8), D(2027, 5, 17),
]  # fmt: skip


def ranges(year):
    return [
        (e.first_day, e.last_day + datetime.timedelta(days=1))
        for e in year.calendar_entries.filter(kind=CalendarKind.SCHOOL_HOLIDAY).order_by("first_day")
    ]


@pytest.mark.parametrize(("label", "expected"), [("2025-2026", HOLIDAYS_2025), ("2026-2027", HOLIDAYS_2026)])
def test_school_holidays_of_zone_c_match_the_reference(cde11, label, expected):
    assert ranges(school_year(cde11, label)) == expected


def test_public_holidays_of_2026_and_2027_match_the_reference(cde11):
    school_year(cde11, "2025-2026")
    school_year(cde11, "2026-2027")
    public = set(
        cde11.calendar_entries.filter(kind=CalendarKind.PUBLIC_HOLIDAY).values_list("first_day", flat=True)
    )
    assert set(PUBLIC_2026) - {D(2026, 1, 1)} <= public  # 1/1/2026 falls inside the Christmas holidays too
    assert set(PUBLIC_2027) <= public


@pytest.mark.parametrize("label", ["2025-2026", "2026-2027"])
def test_weekday_public_holidays_inside_school_periods_are_not_school_days(cde11, label):
    year = school_year(cde11, label)
    school = SchoolFactory(caisse=cde11)
    days = set(school_days(caisse=cde11, school=school, start=year.first_day, end=year.last_day))
    for holiday in WEEKDAY_PUBLIC_HOLIDAYS[label]:
        assert holiday not in days
        assert holiday.isoweekday() <= 5


def test_the_rentree_and_the_last_day_bound_the_school_days(cde11):
    year = school_year(cde11, "2026-2027")
    school = SchoolFactory(caisse=cde11)
    days = school_days(caisse=cde11, school=school, start=D(2026, 8, 1), end=D(2027, 8, 31))
    assert days[0] == D(2026, 9, 1) and days[-1] == D(2027, 7, 2) == year.last_day


def test_a_manager_correction_of_the_calendar_changes_the_school_days(cde11):
    year = school_year(cde11, "2026-2027")
    school = SchoolFactory(caisse=cde11)
    toussaint = year.calendar_entries.get(first_day=D(2026, 10, 17))
    toussaint.last_day = D(2026, 11, 2)
    toussaint.save()
    days = school_days(caisse=cde11, school=school, start=D(2026, 11, 2), end=D(2026, 11, 3))
    assert days == [D(2026, 11, 3)]
