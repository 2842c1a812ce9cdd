"""The billing run bills the adults' meals (restauration adulte): calendar, weekdays, dates, price."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.adultmeals.services import adult_extra_meals_record
from refectoire.billing.enums import InvoiceState, LineKind, RunState
from refectoire.billing.models import BillingRun, Invoice, InvoiceCounter
from refectoire.billing.services import billing_run_compute, billing_run_issue
from refectoire.pricing.models import TariffGrid
from refectoire.pricing.selectors import NoTariffGrid
from refectoire.schools.services import closure_create
from tests.billing.adults import D, adult, adult_invoice, weekdays_between
from tests.billing.runs import billing_setup, decide, enrolled_family
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db

EASTER_MONDAY = D(2027, 3, 29)
SPRING_HOLIDAYS = (D(2027, 4, 3), D(2027, 4, 18))  # zone C


def test_scheduled_meals_are_the_school_days_of_the_chosen_weekdays_until_the_registration_ends(
    cde11, agent_cde11
):
    year, school, period = billing_setup(cde11)
    closure_create(
        caisse=cde11, school=school, first_day=D(2027, 3, 11), last_day=D(2027, 3, 11), reason="Grève"
    )
    closure_create(caisse=cde11, first_day=D(2027, 3, 23), last_day=D(2027, 3, 23), reason="Toute la Caisse")
    other_school = SchoolFactory(caisse=cde11)
    closure_create(
        caisse=cde11, school=other_school, first_day=D(2027, 3, 15), last_day=D(2027, 3, 15), reason="Travaux"
    )
    # Mondays, Tuesdays and Thursdays, until Thursday 22 April (mid-period).
    registration = adult(cde11, school, agent=agent_cde11, weekdays="124", ends_on=D(2027, 4, 22))

    billing_run_compute(caisse=cde11, period=period)

    invoice = adult_invoice(period, registration)
    [line] = invoice.lines.all()
    billed = [D.fromisoformat(day) for day in line.days]
    excluded = {
        EASTER_MONDAY,  # public holiday
        D(2027, 3, 11),  # closure of that school
        D(2027, 3, 23),  # closure of the whole Caisse
        *weekdays_between(*SPRING_HOLIDAYS, {1, 2, 4}),  # school holiday
    }
    expected = [
        day for day in weekdays_between(D(2027, 3, 1), D(2027, 4, 22), {1, 2, 4}) if day not in excluded
    ]
    assert billed == expected
    assert D(2027, 3, 15) in billed  # the other school's closure is not this one's
    assert not any(day.isoweekday() in (3, 5) for day in billed)  # weekdays not chosen
    assert max(billed) <= D(2027, 4, 22) and D(2027, 4, 26) not in billed  # ended mid-period
    assert (line.kind, line.meals, line.unit_price) == (LineKind.ADULT_MEALS, len(expected), Decimal("7.50"))
    assert line.amount == Decimal("7.50") * len(expected)
    assert invoice.household_id is None and invoice.state == InvoiceState.DRAFT
    assert invoice.total == line.amount


def test_meals_off_schedule_have_their_own_line_at_the_adult_price_of_the_grid(cde11, agent_cde11):
    year, school, period = billing_setup(cde11)
    TariffGrid.objects.filter(caisse=cde11, school_year=year).update(adult_meal_price=Decimal("6.10"))
    registration = adult(cde11, school, agent=agent_cde11, weekdays="5")
    adult_extra_meals_record(registration=registration, day=D(2027, 3, 3), count=2, actor=agent_cde11)
    adult_extra_meals_record(registration=registration, day=D(2027, 4, 21), count=1, actor=agent_cde11)
    adult_extra_meals_record(registration=registration, day=D(2027, 5, 5), count=4, actor=agent_cde11)

    billing_run_compute(caisse=cde11, period=period)

    scheduled, extra = adult_invoice(period, registration).lines.order_by("position")
    fridays = [
        day
        for day in weekdays_between(D(2027, 3, 1), D(2027, 4, 30), {5})
        if not SPRING_HOLIDAYS[0] <= day <= SPRING_HOLIDAYS[1]
    ]
    assert scheduled.meals == len(fridays) and scheduled.unit_price == Decimal("6.10")
    assert scheduled.label.startswith("Repas au planning")
    assert (extra.label.split(" — ")[0], extra.meals, extra.unit_price, extra.amount) == (
        "Repas hors planning",
        3,
        Decimal("6.10"),
        Decimal("18.30"),
    )
    assert extra.days == ["2027-03-03", "2027-04-21"]  # May is another period
    assert "prix du repas adulte, grille 2026-2027" in extra.reason


def test_a_registration_with_only_meals_off_schedule_is_billed_them(cde11, agent_cde11):
    _year, school, period = billing_setup(cde11)
    registration = adult(cde11, school, agent=agent_cde11, weekdays="1", starts_on=D(2027, 5, 3))
    adult_extra_meals_record(registration=registration, day=D(2027, 4, 20), count=1, actor=agent_cde11)
    billing_run_compute(caisse=cde11, period=period)
    [line] = adult_invoice(period, registration).lines.all()
    assert (line.meals, line.amount) == (1, Decimal("7.50"))


def test_registrations_not_validated_or_of_another_caisse_get_no_invoice(
    cde11, cde19, agent_cde11, agent_cde19
):
    from refectoire.adultmeals.enums import AdultRole, Employer
    from refectoire.adultmeals.services import adult_registration_submit
    from tests.factories import UserFactory

    _year, school, period = billing_setup(cde11)
    adult_registration_submit(
        caisse=cde11,
        user=UserFactory(),
        school=school,
        role=AdultRole.ATSEM,
        employer=Employer.CITY,
        weekdays="12345",
        starts_on=D(2027, 1, 4),
    )
    school_year(cde19, "2026-2027")
    adult(cde19, SchoolFactory(caisse=cde19), agent=agent_cde19)
    billing_run_compute(caisse=cde11, period=period)
    assert not Invoice.objects.filter(adult_registration__isnull=False).exists()


def test_without_a_grid_the_run_fails_and_says_the_adult_price_is_unknown(cde11, agent_cde11):
    from refectoire.schools.models import BillingPeriod

    year = school_year(cde11, "2026-2027")
    school = SchoolFactory(caisse=cde11)
    period = BillingPeriod.objects.create(
        caisse=cde11,
        school_year=year,
        label="Mars / Avril 2027",
        start_date=D(2027, 3, 1),
        end_date=D(2027, 4, 30),
    )
    adult(cde11, school, agent=agent_cde11)
    with pytest.raises(NoTariffGrid):
        billing_run_compute(caisse=cde11, period=period)
    run = BillingRun.objects.get(period=period)
    assert run.state == RunState.FAILED
    assert "Aucune grille tarifaire pour l'année scolaire 2026-2027" in run.error
    assert "prix du repas adulte" in run.error


def test_recomputing_replaces_the_adult_drafts(cde11, agent_cde11):
    _year, school, period = billing_setup(cde11)
    registration = adult(cde11, school, agent=agent_cde11, weekdays="1")
    leaving = adult(cde11, school, agent=agent_cde11, weekdays="2")
    billing_run_compute(caisse=cde11, period=period)
    first = adult_invoice(period, registration)
    adult_extra_meals_record(registration=registration, day=D(2027, 3, 3), count=1, actor=agent_cde11)
    AdultRegistration.objects.filter(pk=leaving.pk).update(
        state=RegistrationState.ENDED, ends_on=D(2027, 2, 26)
    )

    billing_run_compute(caisse=cde11, period=period, chunk_size=1)
    billing_run_compute(caisse=cde11, period=period)

    again = adult_invoice(period, registration)
    assert again.pk != first.pk and not Invoice.objects.filter(pk=first.pk).exists()
    assert again.total == first.total + Decimal("7.50")
    assert again.lines.count() == 2
    assert not Invoice.objects.filter(adult_registration=leaving).exists()
    assert Invoice.objects.filter(period=period, adult_registration__isnull=False).count() == 1


def test_issuing_numbers_household_and_adult_invoices_in_one_sequence_and_emails_the_adult(
    cde11, agent_cde11, manager_cde11, django_capture_on_commit_callbacks
):
    year, school, period = billing_setup(cde11)
    InvoiceCounter.objects.create(caisse=cde11, next_number=40945)
    household, _kids = enrolled_family(cde11, year, school, reference="F100")
    decide(household, year, 4, year.first_day)
    registration = adult(cde11, school, agent=agent_cde11)
    run = billing_run_compute(caisse=cde11, period=period)
    with django_capture_on_commit_callbacks(execute=True):
        billing_run_issue(run=run, actor=manager_cde11)

    family = Invoice.objects.get(period=period, household=household)
    staff = adult_invoice(period, registration)
    assert (family.number, staff.number) == (40945, 40946)
    assert staff.state == InvoiceState.ISSUED and staff.issued_at is not None
    assert staff.due_date == period.due_date
    [message] = [m for m in mail.outbox if registration.user.email in m.to]
    assert message.subject.startswith("[Caisse des écoles Paris 11e] Restauration 40946 - Mars / Avril 2027")
    assert "espace personnel (restauration adulte)" in message.body
    assert f"/cde11/mon-espace/factures/{staff.uuid}/" in message.body
    # Frozen once issued: the period cannot be recomputed.
    with pytest.raises(ValidationError):
        billing_run_compute(caisse=cde11, period=period)
    assert adult_invoice(period, registration).number == 40946


def test_the_agents_off_schedule_screen_feeds_the_next_draft(
    client, curl, cde11, cde19, agent_cde11, agent_cde19
):
    _year, school, period = billing_setup(cde11)
    registration = adult(cde11, school, agent=agent_cde11, weekdays="1", starts_on=D(2027, 5, 3))
    url = curl(cde11, "backoffice:adult_extra_meals_record", registration_uuid=registration.uuid)
    client.force_login(agent_cde19)
    assert client.post(url, {"day": "2027-03-04", "count": "5"}).status_code == 404
    client.force_login(agent_cde11)
    response = client.post(url, {"day": "2027-03-04", "count": "2"})
    assert response.status_code == 302
    detail = client.get(
        curl(cde11, "backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    )
    assert "04/03/2027 : 2" in detail.content.decode()
    billing_run_compute(caisse=cde11, period=period)
    [line] = adult_invoice(period, registration).lines.all()
    assert (line.label.split(" — ")[0], line.meals, line.amount) == (
        "Repas hors planning",
        2,
        Decimal("15.00"),
    )


def test_the_run_progress_counts_the_households_and_the_adults_registrations(cde11, agent_cde11):
    year, school, period = billing_setup(cde11)
    for reference in ("F1", "F2"):
        enrolled_family(cde11, year, school, reference=reference)
    adult(cde11, school, agent=agent_cde11, weekdays="1")
    adult(cde11, school, agent=agent_cde11, weekdays="2")
    seen = []

    def progress(done, total):
        run = BillingRun.objects.get(period=period)
        seen.append((done, total, run.households_done, run.households_total))

    run = billing_run_compute(caisse=cde11, period=period, chunk_size=1, progress=progress)

    # Two households, then two adults: four files (dossiers), each chunk of one advances the bar.
    assert seen == [(n, 4, n, 4) for n in (1, 2, 3, 4)]
    assert (run.households_done, run.households_total, run.progress_percent) == (4, 4, 100)
    assert Invoice.objects.filter(period=period, adult_registration__isnull=False).count() == 2


def test_a_registration_that_lost_its_meals_still_counts_while_its_draft_is_removed(cde11, agent_cde11):
    _year, school, period = billing_setup(cde11)
    leaving = adult(cde11, school, agent=agent_cde11, weekdays="2")
    billing_run_compute(caisse=cde11, period=period)
    AdultRegistration.objects.filter(pk=leaving.pk).update(
        state=RegistrationState.ENDED, ends_on=D(2027, 2, 26)
    )

    run = billing_run_compute(caisse=cde11, period=period)

    assert (run.households_done, run.households_total) == (1, 1)
    assert not Invoice.objects.filter(adult_registration=leaving).exists()
