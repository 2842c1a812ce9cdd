"""The kitchen's forecast per school and day: the one function the back office and the API read."""

import datetime

from refectoire.enrollment.selectors import expected_meals, kitchen_forecast
from refectoire.enrollment.services import enrollment_create
from refectoire.schools.services import closure_create
from tests.enrollment.factories import family
from tests.schools.factories import SchoolFactory

D = datetime.date


def test_counts_each_school_and_school_day_like_the_back_office_forecast(cde11, keller, year_2026):
    other = SchoolFactory(caisse=cde11, name="École maternelle Popincourt")
    (h1, (c1,)), (h2, (c2,)), (h3, (c3,)) = family(cde11), family(cde11), family(cde11)
    enrollment_create(household=h1, child=c1, school=keller, school_year=year_2026, weekdays="12345")
    enrollment_create(household=h2, child=c2, school=keller, school_year=year_2026, weekdays="124")
    enrollment_create(household=h3, child=c3, school=other, school_year=year_2026, weekdays="12345")
    closure_create(
        caisse=cde11, school=other, first_day=D(2026, 9, 15), last_day=D(2026, 9, 15), reason="Grève"
    )

    rows = kitchen_forecast(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 20))

    counts = {(row.school_id, row.day): row.meals for row in rows}
    assert counts == {
        (keller.pk, D(2026, 9, 14)): 2,
        (keller.pk, D(2026, 9, 15)): 2,
        (keller.pk, D(2026, 9, 16)): 1,
        (keller.pk, D(2026, 9, 17)): 2,
        (keller.pk, D(2026, 9, 18)): 1,
        (other.pk, D(2026, 9, 14)): 1,
        (other.pk, D(2026, 9, 16)): 1,
        (other.pk, D(2026, 9, 17)): 1,
        (other.pk, D(2026, 9, 18)): 1,
    }
    for school in (keller, other):
        by_day = expected_meals(caisse=cde11, school=school, start=D(2026, 9, 14), end=D(2026, 9, 20))
        assert {day: len(ids) for day, ids in by_day.items() if ids} == {
            day: meals for (school_id, day), meals in counts.items() if school_id == school.pk
        }


def test_restricted_to_some_schools_and_other_caisses_count_nothing(cde11, cde19, keller, year_2026):
    other = SchoolFactory(caisse=cde11, name="École maternelle Popincourt")
    (h1, (c1,)), (h2, (c2,)) = family(cde11), family(cde11)
    enrollment_create(household=h1, child=c1, school=keller, school_year=year_2026, weekdays="12345")
    enrollment_create(household=h2, child=c2, school=other, school_year=year_2026, weekdays="12345")

    rows = kitchen_forecast(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 14), school_ids=[other.pk])
    assert [(row.school_id, row.meals) for row in rows] == [(other.pk, 1)]
    assert kitchen_forecast(caisse=cde19, start=D(2026, 9, 14), end=D(2026, 9, 18)) == []
