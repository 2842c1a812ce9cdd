import datetime

import pytest
from django.core.exceptions import ValidationError

from refectoire.stays.enums import SchoolLevel
from refectoire.stays.selectors import age_on, stay_ineligibility_reasons, stays_open_for_child
from refectoire.stays.services import stay_application_submit
from tests.stays.factories import ChildFactory, HolidayStayFactory, StayProfileFactory, family

pytestmark = pytest.mark.django_db


def test_age_is_counted_in_completed_years_on_the_day():
    born = datetime.date(2017, 3, 14)
    assert age_on(born, datetime.date(2026, 3, 13)) == 8
    assert age_on(born, datetime.date(2026, 3, 14)) == 9


def test_a_child_too_young_on_the_first_day_of_the_stay_cannot_go(cde11):
    stay = HolidayStayFactory(caisse=cde11, age_min=8, age_max=10, start_date=datetime.date(2030, 7, 1))
    child = ChildFactory(household__caisse=cde11, birth_date=datetime.date(2022, 7, 2))
    assert stay_ineligibility_reasons(stay=stay, child=child)
    eight_on_the_day = ChildFactory(household__caisse=cde11, birth_date=datetime.date(2022, 7, 1))
    assert stay_ineligibility_reasons(stay=stay, child=eight_on_the_day) == []


def test_a_child_too_old_on_the_first_day_cannot_go(cde11):
    stay = HolidayStayFactory(caisse=cde11, age_min=6, age_max=8, start_date=datetime.date(2030, 7, 1))
    nine = ChildFactory(household__caisse=cde11, birth_date=datetime.date(2021, 6, 30))
    assert stay_ineligibility_reasons(stay=stay, child=nine)


def test_a_stay_for_some_levels_needs_the_child_level_in_them(cde11):
    stay = HolidayStayFactory(caisse=cde11, school_levels=[SchoolLevel.CM1, SchoolLevel.CM2])
    in_ce2 = StayProfileFactory(child__household__caisse=cde11, school_level=SchoolLevel.CE2).child
    in_cm1 = StayProfileFactory(child__household__caisse=cde11, school_level=SchoolLevel.CM1).child
    without_profile = ChildFactory(household__caisse=cde11)
    assert stay_ineligibility_reasons(stay=stay, child=in_ce2)
    assert stay_ineligibility_reasons(stay=stay, child=in_cm1) == []
    assert "niveau scolaire" in stay_ineligibility_reasons(stay=stay, child=without_profile)[0]


def test_parents_see_only_open_published_stays_their_child_can_go_on(cde11, cde19):
    _household, (child,) = family(cde11)
    good = HolidayStayFactory(caisse=cde11, title="Mer")
    HolidayStayFactory(caisse=cde11, title="Trop grands", age_min=13, age_max=16)
    HolidayStayFactory(caisse=cde11, title="Brouillon", is_published=False)
    HolidayStayFactory(caisse=cde11, title="Clos", closed=True)
    HolidayStayFactory(caisse=cde19, title="Autre Caisse")
    assert stays_open_for_child(caisse=cde11, child=child) == [good]


def test_an_application_is_refused_before_and_after_the_window(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a)
    today = datetime.date.today()
    stay = HolidayStayFactory(
        caisse=cde11,
        application_opens_on=today + datetime.timedelta(days=2),
        application_closes_on=today + datetime.timedelta(days=5),
    )
    for day in (today, today + datetime.timedelta(days=6)):
        with pytest.raises(ValidationError, match="ouvertes du"):
            stay_application_submit(household=household, child=child, stays=[stay], user=parent_a, today=day)
    application = stay_application_submit(
        household=household,
        child=child,
        stays=[stay],
        user=parent_a,
        today=today + datetime.timedelta(days=5),
    )
    assert application.choices.get().rank == 1


def test_an_application_for_a_stay_the_child_cannot_go_on_is_refused(cde11, parent_a):
    household, (child,) = family(cde11, user=parent_a, level=SchoolLevel.CP)
    stay = HolidayStayFactory(caisse=cde11, school_levels=[SchoolLevel.CM2])
    with pytest.raises(ValidationError, match="niveaux"):
        stay_application_submit(household=household, child=child, stays=[stay], user=parent_a)
