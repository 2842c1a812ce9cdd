"""The kitchen's forecast (counted per pattern of days) against a plain per-child, per-day reference.

`kitchen_forecast` groups the children of a school by their pattern of meal days and counts each
pattern once; `reference_forecast` below reads the rule child by child and day by day (the meal-day
rule of tests/enrollment/naive.py, then the meal option in force and a validated PAI covering the
day). On generated Caisses — several schools, closures, enrollments with their weekdays, start and
end dates, rhythm changes, custodies, absences, meal options chosen and changed, PAI of every kind
and state with their validity — both must give the same rows, whole Caisse or some schools.
"""

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from refectoire.enrollment.enums import PaiKind, PaiState
from refectoire.enrollment.models import Enrollment, MealOption, MealOptionChoice, Pai
from refectoire.enrollment.selectors import STANDARD_MEAL, ForecastCount, kitchen_forecast
from refectoire.schools.models import School
from tests.enrollment.naive import custody_gives, is_absent, is_school_day, weekdays_on
from tests.enrollment.test_meal_days_properties import PROPERTY_SETTINGS, build, day_in_year, scenario

D = datetime.date
OPTION_LABELS = ["Repas sans viande", "Repas végétarien"]


def reference_forecast(caisse, start, end, school_ids=None):
    """Every enrollment, every day of [start, end]: is it a meal day? then which option, which PAI."""
    enrollments = Enrollment.objects.filter(caisse=caisse).select_related("school", "child", "household")
    if school_ids is not None:
        enrollments = enrollments.filter(school_id__in=school_ids)
    meals = defaultdict(int)
    pai_meals = defaultdict(int)
    options = defaultdict(lambda: defaultdict(int))
    counted = set()
    school_days = {}  # (school, day) -> bool: the calendar asked once per school and day
    for enrollment in enrollments:
        day = start
        while day <= end:
            key = (enrollment.school_id, day)
            if key not in school_days:
                school_days[key] = is_school_day(caisse, enrollment.school, day)
            if (
                enrollment.start_date <= day <= enrollment.end_date
                and school_days[key]
                and str(day.isoweekday()) in weekdays_on(enrollment, day)
                and custody_gives(enrollment, day)
                and not is_absent(enrollment, day)
            ):
                counted.add(enrollment.pk)
                meals[key] += 1
                if Pai.objects.filter(
                    caisse=caisse,
                    child=enrollment.child,
                    state=PaiState.VALIDATED,
                    starts_on__lte=day,
                    ends_on__gte=day,
                ).exists():
                    pai_meals[key] += 1
                choice = (
                    MealOptionChoice.objects.filter(enrollment=enrollment, starts_on__lte=day)
                    .select_related("option")
                    .order_by("-starts_on")
                    .first()
                )
                label = choice.option.label if choice is not None and choice.option is not None else None
                options[key][label or STANDARD_MEAL] += 1
            day += datetime.timedelta(days=1)
    # Options are shown when the Caisse has some, or a counted child has a choice (even « standard »).
    with_options = (
        MealOption.objects.filter(caisse=caisse).exists()
        or MealOptionChoice.objects.filter(enrollment_id__in=counted, starts_on__lte=end).exists()
    )
    return [
        ForecastCount(
            school_id=school_id,
            day=day,
            meals=number,
            by_option=dict(sorted(options[school_id, day].items())) if with_options else {},
            pai_meals=pai_meals.get((school_id, day), 0),
        )
        for (school_id, day), number in sorted(meals.items())
    ]


def add_options_pai_and_ends(caisse, made, draw):
    """Meal options (none, one or two; maybe not active), choices changing over time (the standard
    meal too), PAI of every kind and state, and earlier end dates, drawn for the built enrollments."""
    labels = draw(st.lists(st.sampled_from(OPTION_LABELS), unique=True, max_size=2))
    offered = [
        MealOption.objects.create(caisse=caisse, label=label, is_active=draw(st.booleans()))
        for label in labels
    ]
    for enrollment in made:
        if draw(st.booleans()):
            last = draw(st.dates(min_value=enrollment.start_date, max_value=D(2027, 3, 1)))
            Enrollment.objects.filter(pk=enrollment.pk).update(end_date=last)
        choices = draw(
            st.lists(
                st.tuples(day_in_year, st.sampled_from([None, *offered])),
                unique_by=lambda choice: choice[0],
                max_size=3,
            )
        )
        for starts_on, option in choices:
            MealOptionChoice.objects.create(enrollment=enrollment, option=option, starts_on=starts_on)
        for kind, state, first, length in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(PaiKind.values),
                    st.sampled_from(PaiState.values),
                    day_in_year,
                    st.integers(0, 60),
                ),
                max_size=2,
            )
        ):
            Pai.objects.create(
                caisse=caisse,
                household=enrollment.household,
                child=enrollment.child,
                kind=kind,
                state=state,
                starts_on=first,
                ends_on=first + datetime.timedelta(days=length),
            )


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(data=scenario(), extra=st.data())
@pytest.mark.django_db
def test_kitchen_forecast_equals_the_per_child_per_day_reference(cde11, cde19, year_2026, data, extra):
    with transaction.atomic():
        made = build(cde11, year_2026, data)
        add_options_pai_and_ends(cde11, made, extra.draw)
        # Another Caisse's options and PAI never count.
        MealOption.objects.create(caisse=cde19, label="Repas sans viande")
        start, end = data["window"]

        assert kitchen_forecast(caisse=cde11, start=start, end=end) == reference_forecast(cde11, start, end)

        schools = sorted(School.objects.for_caisse(cde11).values_list("pk", flat=True))
        some = extra.draw(st.lists(st.sampled_from(schools), unique=True, min_size=1))
        assert kitchen_forecast(caisse=cde11, start=start, end=end, school_ids=some) == reference_forecast(
            cde11, start, end, school_ids=some
        )
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_reference_itself_counts_options_and_pai_of_a_known_case(cde11, keller, year_2026):
    """The reference is not trusted blindly: on a hand-made week it gives the figures a person counts."""
    from refectoire.enrollment.services import enrollment_create
    from tests.enrollment.factories import family

    (h1, (c1,)), (h2, (c2,)) = family(cde11), family(cde11)
    e1 = enrollment_create(household=h1, child=c1, school=keller, school_year=year_2026, weekdays="12345")
    enrollment_create(household=h2, child=c2, school=keller, school_year=year_2026, weekdays="124")
    veggie = MealOption.objects.create(caisse=cde11, label="Repas végétarien")
    MealOptionChoice.objects.create(enrollment=e1, option=veggie, starts_on=D(2026, 9, 16))
    Pai.objects.create(
        caisse=cde11,
        household=h2,
        child=c2,
        kind=PaiKind.PACKED_MEAL,
        state=PaiState.VALIDATED,
        starts_on=D(2026, 9, 15),
        ends_on=D(2026, 9, 17),
    )

    rows = reference_forecast(cde11, D(2026, 9, 14), D(2026, 9, 18))

    assert [(row.day.day, row.meals, row.by_option, row.pai_meals) for row in rows] == [
        (14, 2, {"Repas standard": 2}, 0),
        (15, 2, {"Repas standard": 2}, 1),
        (16, 1, {"Repas végétarien": 1}, 0),
        (17, 2, {"Repas standard": 1, "Repas végétarien": 1}, 1),
        (18, 1, {"Repas végétarien": 1}, 0),
    ]
    assert kitchen_forecast(caisse=cde11, start=D(2026, 9, 14), end=D(2026, 9, 18)) == rows
