"""Ending an adult registration (« Mettre fin à mon inscription »), cancelling one not validated yet."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from refectoire.adultmeals.enums import AdultRole, Employer, RegistrationState
from refectoire.adultmeals.services import (
    adult_extra_meals_record,
    adult_registration_cancel,
    adult_registration_end,
    adult_registration_submit,
)
from refectoire.billing.services import billing_run_compute
from tests.billing.adults import D, adult, adult_invoice, issued_adult_invoice, weekdays_between
from tests.billing.runs import billing_setup
from tests.factories import UserFactory
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(cde11):
    school_year(cde11, "2026-2027")
    return SchoolFactory(caisse=cde11)


FIRST_DAY = D(2027, 1, 4)


def submitted(caisse, school, user=None, starts_on=FIRST_DAY):
    return adult_registration_submit(
        caisse=caisse,
        user=user or UserFactory(),
        school=school,
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays="124",
        starts_on=starts_on,
    )


def test_the_adult_ends_from_today_on_and_the_history_keeps_it(
    cde11, school, agent_cde11, django_capture_on_commit_callbacks
):
    registration = adult(cde11, school, agent=agent_cde11)
    with pytest.raises(ValidationError, match="dans le passé"):
        adult_registration_end(
            registration=registration, last_day=D(2027, 3, 9), actor=registration.user, today=D(2027, 3, 10)
        )
    with django_capture_on_commit_callbacks(execute=True):
        adult_registration_end(
            registration=registration, last_day=D(2027, 3, 10), actor=registration.user, today=D(2027, 3, 10)
        )
    registration.refresh_from_db()
    assert (registration.state, registration.ends_on) == (RegistrationState.ENDED, D(2027, 3, 10))
    event = registration.events.last()
    assert (event.from_state, event.to_state, event.actor) == ("validated", "ended", registration.user)
    assert event.message == "Fin de l'inscription : dernier jour le 10/03/2027."
    assert registration.history.first().ends_on == D(2027, 3, 10)
    assert mail.outbox == []  # the adult did it: no e-mail to tell them


def test_the_agent_ends_on_a_past_day_with_a_reason_and_the_adult_is_told(
    cde11, school, agent_cde11, django_capture_on_commit_callbacks
):
    registration = adult(cde11, school, agent=agent_cde11, starts_on=D(2027, 1, 4))
    with pytest.raises(ValidationError, match="motif"):
        adult_registration_end(registration=registration, last_day=D(2027, 3, 12), actor=agent_cde11)
    with pytest.raises(ValidationError, match="précéder le premier jour"):
        adult_registration_end(
            registration=registration, last_day=D(2027, 1, 1), actor=agent_cde11, reason="Mutation"
        )
    with django_capture_on_commit_callbacks(execute=True):
        adult_registration_end(
            registration=registration,
            last_day=D(2027, 3, 12),
            actor=agent_cde11,
            reason="Mutée dans une autre école.",
            today=D(2027, 3, 20),
        )
    registration.refresh_from_db()
    assert (registration.state, registration.ends_on) == (RegistrationState.ENDED, D(2027, 3, 12))
    assert registration.events.last().message.endswith("Mutée dans une autre école.")
    (message,) = mail.outbox
    assert message.to == [registration.user.email]
    assert "Fin de votre inscription à la restauration adulte" in message.subject
    assert "Dernier jour : le 12/03/2027" in message.body and "Mutée dans une autre école." in message.body
    assert "/cde11/" in message.body and "dossier@cdeparis11.fr" in message.body


def test_only_a_validated_registration_ends(cde11, school, agent_cde11):
    registration = submitted(cde11, school)
    with pytest.raises(ValidationError, match="validée"):
        adult_registration_end(
            registration=registration, last_day=D(2027, 3, 12), actor=agent_cde11, reason="x"
        )


def test_the_next_billing_run_bills_up_to_the_last_day(cde11, agent_cde11):
    _year, school, period = billing_setup(cde11)
    registration = adult(cde11, school, agent=agent_cde11, weekdays="124")
    # The teacher left in the middle of the period: Thursday 25 March is the last day.
    adult_registration_end(
        registration=registration,
        last_day=D(2027, 3, 25),
        actor=agent_cde11,
        reason="Départ en cours d'année.",
    )
    billing_run_compute(caisse=cde11, period=period)
    [line] = adult_invoice(period, registration).lines.all()
    billed = [D.fromisoformat(day) for day in line.days]
    expected = weekdays_between(D(2027, 3, 1), D(2027, 3, 25), {1, 2, 4})
    assert billed == expected and max(billed) == D(2027, 3, 25)


def test_days_already_invoiced_cannot_be_unbilled_by_ending_before_them(cde11, agent_cde11):
    from tests.billing.factories import BillingPeriodFactory

    year, school, _period = billing_setup(cde11)
    registration = adult(cde11, school, agent=agent_cde11)
    january = BillingPeriodFactory(
        caisse=cde11,
        school_year=year,
        label="Janvier / Février 2027",
        start_date=D(2027, 1, 1),
        end_date=D(2027, 2, 28),
    )
    issued_adult_invoice(cde11, registration, number=41000, period=january)
    with pytest.raises(ValidationError, match="jusqu'au 28/02/2027 sont déjà facturés"):
        adult_registration_end(
            registration=registration, last_day=D(2027, 2, 12), actor=agent_cde11, reason="x"
        )
    adult_registration_end(registration=registration, last_day=D(2027, 2, 28), actor=agent_cde11, reason="x")


def test_an_ended_registration_still_gets_meals_off_schedule_up_to_its_last_day(cde11, school, agent_cde11):
    registration = adult(cde11, school, agent=agent_cde11)
    adult_registration_end(registration=registration, last_day=D(2027, 3, 12), actor=agent_cde11, reason="x")
    assert adult_extra_meals_record(registration=registration, day=D(2027, 3, 10), count=1, actor=agent_cde11)
    with pytest.raises(ValidationError):
        adult_extra_meals_record(registration=registration, day=D(2027, 3, 15), count=1, actor=agent_cde11)


def test_a_new_registration_starts_after_the_ended_one(cde11, school, agent_cde11):
    registration = adult(cde11, school, agent=agent_cde11)
    adult_registration_end(registration=registration, last_day=D(2027, 3, 12), actor=agent_cde11, reason="x")
    with pytest.raises(ValidationError, match="court jusqu'au 12/03/2027"):
        submitted(cde11, school, user=registration.user, starts_on=D(2027, 3, 1))
    again = submitted(cde11, school, user=registration.user, starts_on=D(2027, 3, 15))
    assert again.state == RegistrationState.SUBMITTED


def test_the_adult_cancels_a_registration_not_validated_yet(cde11, school, agent_cde11):
    _year, _school, period = billing_setup(cde11)
    registration = submitted(cde11, school)
    adult_registration_cancel(registration=registration, actor=registration.user)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED
    assert registration.events.last().message == "Inscription annulée."
    with pytest.raises(ValidationError, match="en attente de validation"):
        adult_registration_cancel(registration=registration, actor=registration.user)
    billing_run_compute(caisse=cde11, period=period)
    assert not registration.invoices.exists()
    # Cancelled, it no longer blocks a new registration to the same school.
    assert submitted(cde11, school, user=registration.user).state == RegistrationState.SUBMITTED


def test_a_validated_registration_is_not_cancelled_but_ended(cde11, school, agent_cde11):
    registration = adult(cde11, school, agent=agent_cde11)
    with pytest.raises(ValidationError):
        adult_registration_cancel(registration=registration, actor=registration.user)
