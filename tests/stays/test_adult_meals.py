import datetime

import pytest
from django.core.exceptions import ValidationError

from refectoire.adultmeals.enums import AdultRole, Employer, RegistrationState
from refectoire.adultmeals.selectors import adult_meals_for_period
from refectoire.adultmeals.services import (
    adult_extra_meals_record,
    adult_registration_reject,
    adult_registration_submit,
    adult_registration_validate,
)
from tests.billing.factories import SchoolYearFactory
from tests.factories import UserFactory
from tests.stays.factories import SchoolFactory

pytestmark = pytest.mark.django_db

# March 2027: Monday 1st to Wednesday 31st.
MARCH = (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31))


def register(caisse, *, weekdays="12", school=None, user=None, starts_on=datetime.date(2027, 1, 4)):
    return adult_registration_submit(
        caisse=caisse,
        user=user or UserFactory(),
        school=school or SchoolFactory(caisse=caisse),
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays=weekdays,
        starts_on=starts_on,
    )


def test_an_adult_registers_and_waits_for_the_caisse(cde19):
    registration = register(cde19, weekdays="41")
    assert registration.state == RegistrationState.SUBMITTED
    assert registration.weekdays == "14"
    assert registration.events.count() == 1


def test_an_adult_cannot_register_on_days_the_school_does_not_serve(cde19):
    school = SchoolFactory(caisse=cde19, weekdays="1245")
    with pytest.raises(ValidationError):
        register(cde19, school=school, weekdays="3")


def test_another_employer_must_be_named(cde19):
    with pytest.raises(ValidationError):
        adult_registration_submit(
            caisse=cde19,
            user=UserFactory(),
            school=SchoolFactory(caisse=cde19),
            role=AdultRole.ANIMATOR,
            employer=Employer.OTHER,
            weekdays="1",
            starts_on=MARCH[0],
        )


def test_a_second_active_registration_for_the_same_school_is_refused(cde19):
    first = register(cde19)
    with pytest.raises(ValidationError):
        register(cde19, user=first.user, school=first.school)


def test_the_caisse_validates_or_rejects_with_a_reason(cde19, agent_cde19):
    accepted = register(cde19)
    adult_registration_validate(registration=accepted, actor=agent_cde19)
    accepted.refresh_from_db()
    assert accepted.state == RegistrationState.VALIDATED and accepted.decided_by == agent_cde19
    refused = register(cde19)
    with pytest.raises(ValidationError):
        adult_registration_reject(registration=refused, actor=agent_cde19, reason=" ")
    adult_registration_reject(registration=refused, actor=agent_cde19, reason="Inconnu de l'école")
    refused.refresh_from_db()
    assert refused.state == RegistrationState.REJECTED
    assert [e.to_state for e in refused.events.all()] == [
        RegistrationState.SUBMITTED,
        RegistrationState.REJECTED,
    ]
    with pytest.raises(ValidationError):
        adult_registration_validate(registration=refused, actor=agent_cde19)


def test_meals_of_the_period_follow_the_weekdays_and_add_the_meals_off_schedule(cde19, cde11, agent_cde19):
    SchoolYearFactory(caisse=cde19)  # the calendar: school days only inside a school year
    mondays_tuesdays = register(cde19, weekdays="12")
    adult_registration_validate(registration=mondays_tuesdays, actor=agent_cde19)
    from_the_15th = register(cde19, weekdays="5", starts_on=datetime.date(2027, 3, 15))
    adult_registration_validate(registration=from_the_15th, actor=agent_cde19)
    register(cde19, weekdays="12345")  # not validated: no meal
    other_caisse = register(cde11, weekdays="12345")
    adult_registration_validate(registration=other_caisse, actor=agent_cde19)
    adult_extra_meals_record(
        registration=mondays_tuesdays, day=datetime.date(2027, 3, 4), count=2, actor=agent_cde19
    )
    adult_extra_meals_record(
        registration=mondays_tuesdays, day=datetime.date(2027, 4, 1), count=1, actor=agent_cde19
    )
    # March 2027: 5 Mondays, 5 Tuesdays; Fridays from the 15th: 19 and 26.
    assert adult_meals_for_period(caisse=cde19, start=MARCH[0], end=MARCH[1]) == {
        mondays_tuesdays.pk: 10 + 2,
        from_the_15th.pk: 2,
    }


def test_recording_zero_meals_removes_the_day_and_only_validated_registrations_get_meals(cde19, agent_cde19):
    registration = register(cde19)
    with pytest.raises(ValidationError):
        adult_extra_meals_record(registration=registration, day=MARCH[0], count=1, actor=agent_cde19)
    adult_registration_validate(registration=registration, actor=agent_cde19)
    adult_extra_meals_record(
        registration=registration, day=datetime.date(2027, 3, 3), count=3, actor=agent_cde19
    )
    adult_extra_meals_record(
        registration=registration, day=datetime.date(2027, 3, 3), count=0, actor=agent_cde19
    )
    assert registration.extra_meals.count() == 0
