import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from refectoire.documents.models import Document
from refectoire.pricing import services
from refectoire.pricing.enums import DecisionSource, IncomeSource, TariffRequestState
from refectoire.pricing.models import TariffRequest
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.selectors import bracket_in_force, tariff_tile
from refectoire.schools.models import BillingPeriod
from tests.pricing.factories import household_of, paris_grid, upload

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cde11):
    return paris_grid(cde11).school_year


@pytest.fixture
def household(cde11, parent_a):
    return household_of(parent_a, cde11, children=2)


def monthly(resources="3200", benefits="0", children=2, single=False):
    return Declaration(
        income_source=IncomeSource.MONTHLY_RESOURCES,
        single_parent=single,
        children_count=children,
        monthly_resources=Decimal(resources),
        monthly_benefits=Decimal(benefits),
    )


def submit(household, year, user, declaration=None, sent_at=None):
    request = services.tariff_request_submit(
        household=household,
        school_year=year,
        user=user,
        declaration=declaration or monthly(),
        proofs=[upload()],
    )
    if sent_at:
        TariffRequest.objects.filter(pk=request.pk).update(sent_at=sent_at)
        request.refresh_from_db()
    return request


def test_a_sent_request_keeps_the_estimate_and_its_proof(household, year, parent_a):
    request = submit(household, year, parent_a)
    assert request.state == TariffRequestState.SENT
    assert (request.computed_qf, request.estimated_bracket) == (Decimal("1066.67"), 5)
    assert request.proofs.count() == 1
    assert request.events.get().action == "submit"


def test_a_request_is_made_once_per_household_and_year(household, year, parent_a):
    submit(household, year, parent_a)
    with pytest.raises(ValidationError, match="déjà été faite"):
        submit(household, year, parent_a)


def test_the_database_holds_one_request_per_household_and_year(household, year, parent_a):
    first = submit(household, year, parent_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        TariffRequest.objects.create(
            caisse=first.caisse,
            household=household,
            school_year=year,
            sent_at=timezone.now(),
            income_source=IncomeSource.CAF_ATTESTATION,
        )


def test_a_request_without_proof_is_refused_and_nothing_is_stored(household, year, parent_a):
    with pytest.raises(ValidationError, match="justificatif"):
        services.tariff_request_submit(
            household=household, school_year=year, user=parent_a, declaration=monthly(), proofs=[]
        )
    assert not TariffRequest.objects.exists()
    assert not Document.objects.exists()


def test_caf_attestation_gives_its_quotient_directly(household, year, parent_a):
    declaration = Declaration(
        income_source=IncomeSource.CAF_ATTESTATION, declared_qf=Decimal("812"), benefits_number="1234567"
    )
    request = submit(household, year, parent_a, declaration)
    assert (request.computed_qf, request.estimated_bracket) == (Decimal("812.00"), 4)


def test_tax_notice_gives_the_quotient_by_fiscal_parts(household, year, parent_a):
    declaration = Declaration(
        income_source=IncomeSource.TAX_NOTICE,
        reference_tax_income=Decimal("36000"),
        fiscal_parts=Decimal("3"),
    )
    request = submit(household, year, parent_a, declaration)
    assert (request.computed_qf, request.estimated_bracket) == (Decimal("1000.00"), 5)


def test_default_start_is_the_first_day_of_the_billing_period_of_the_request(
    household, year, parent_a, agent_cde11
):
    BillingPeriod.objects.create(
        caisse=household.caisse,
        school_year=year,
        label="Septembre / Octobre 2026",
        start_date=D(2026, 9, 1),
        end_date=D(2026, 10, 31),
    )
    BillingPeriod.objects.create(
        caisse=household.caisse,
        school_year=year,
        label="Novembre / Décembre 2026",
        start_date=D(2026, 11, 1),
        end_date=D(2026, 12, 31),
    )
    sent = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))
    request = submit(household, year, parent_a, sent_at=sent)
    decision = services.tariff_request_decide(
        request=request, agent=agent_cde11, bracket_number=4, family_quotient=Decimal("812")
    )
    assert decision.start_date == D(2026, 11, 1)


def test_the_start_date_is_never_before_the_period_of_the_request(household, year, parent_a, agent_cde11):
    BillingPeriod.objects.create(
        caisse=household.caisse,
        school_year=year,
        label="Novembre / Décembre 2026",
        start_date=D(2026, 11, 1),
        end_date=D(2026, 12, 31),
    )
    request = submit(
        household, year, parent_a, sent_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    )
    with pytest.raises(ValidationError, match="rétroactivité"):
        services.tariff_request_decide(
            request=request,
            agent=agent_cde11,
            bracket_number=4,
            family_quotient=Decimal("812"),
            start_date=D(2026, 10, 31),
        )
    request.refresh_from_db()
    assert request.state == TariffRequestState.SENT
    assert not request.decisions.exists()


def test_a_request_sent_before_the_year_starts_on_its_first_day(household, year, parent_a, agent_cde11):
    request = submit(
        household, year, parent_a, sent_at=timezone.make_aware(datetime.datetime(2026, 6, 10, 10))
    )
    decision = services.tariff_request_decide(
        request=request, agent=agent_cde11, bracket_number=4, family_quotient=Decimal("812")
    )
    assert decision.start_date == D(2026, 9, 1)


def test_deciding_logs_mails_the_parent_and_sets_the_bracket_in_force(
    household, year, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    request = submit(
        household, year, parent_a, sent_at=timezone.make_aware(datetime.datetime(2026, 9, 10, 10))
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.tariff_request_decide(
            request=request, agent=agent_cde11, bracket_number=4, family_quotient=Decimal("812")
        )
    request.refresh_from_db()
    assert request.state == TariffRequestState.DECIDED
    assert [e.action for e in request.events.all()] == ["submit", "decide"]
    assert len(mail.outbox) == 1
    assert "tarif 4" in mail.outbox[0].body and "2,28\xa0€" in mail.outbox[0].body
    assert mail.outbox[0].to == [parent_a.email]
    span = bracket_in_force(household=household, day=D(2026, 9, 15))
    assert (span.bracket_number, span.unit_price) == (4, Decimal("2.28"))
    assert (
        tariff_tile(household=household, school_year=year).text
        == "Tarif 4 : 2,28\xa0€ par repas à partir du 10/09/2026."
    )


def test_asking_a_complement_keeps_the_values_and_sends_back_to_the_parent(
    household, year, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    request = submit(household, year, parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.tariff_request_ask_complement(
            request=request, agent=agent_cde11, message="Attestation illisible."
        )
    request.refresh_from_db()
    assert request.state == TariffRequestState.NEEDS_INFO
    assert request.monthly_resources == Decimal("3200.00")
    assert "Attestation illisible." in mail.outbox[-1].body
    assert tariff_tile(household=household, school_year=year).state == "needs_info"
    services.tariff_request_complete(
        request=request, user=parent_a, declaration=monthly("2900"), proofs=[upload()]
    )
    request.refresh_from_db()
    assert request.state == TariffRequestState.SENT
    assert request.proofs.count() == 2
    assert request.computed_qf == Decimal("966.67")


def test_a_complement_needs_a_message(household, year, parent_a, agent_cde11):
    request = submit(household, year, parent_a)
    with pytest.raises(ValidationError):
        services.tariff_request_ask_complement(request=request, agent=agent_cde11, message="  ")


def test_refusing_applies_the_highest_bracket(
    household, year, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    request = submit(
        household, year, parent_a, sent_at=timezone.make_aware(datetime.datetime(2026, 9, 10, 10))
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.tariff_request_refuse(
            request=request, agent=agent_cde11, message="Justificatif de 2019."
        )
    assert (decision.bracket_number, decision.source) == (10, DecisionSource.REFUSAL)
    assert "7,00\xa0€" in mail.outbox[-1].body and "Justificatif de 2019." in mail.outbox[-1].body
    assert (
        tariff_tile(household=household, school_year=year).text
        == "Demande refusée : tarif 10 (7,00\xa0€ par repas)."
    )


def test_a_cancelled_request_cannot_be_decided(household, year, parent_a, agent_cde11):
    request = submit(household, year, parent_a)
    TariffRequest.objects.filter(pk=request.pk).update(state=TariffRequestState.CANCELLED)
    with pytest.raises(ValidationError):
        services.tariff_request_decide(
            request=request, agent=agent_cde11, bracket_number=4, family_quotient=None
        )


def test_an_unvalidated_household_cannot_ask(household, year, parent_a):
    household.state = "submitted"
    household.save()
    with pytest.raises(ValidationError, match="validé"):
        submit(household, year, parent_a)


def test_the_tile_without_request_says_tarif_10_applies(household, year):
    tile = tariff_tile(household=household, school_year=year)
    assert tile.title == "Tarif 2026-2027"
    assert "tarif 10 (7,00\xa0€ par repas)" in tile.text


def test_the_families_import_records_a_decision_from_the_first_day(household, year):
    decision = services.tariff_decide_from_import(
        household=household, school_year=year, bracket="3", family_quotient="450,50"
    )
    again = services.tariff_decide_from_import(
        household=household, school_year=year, bracket=3, family_quotient="450.50"
    )
    assert again == decision
    assert (decision.start_date, decision.family_quotient, decision.source) == (
        D(2026, 9, 1),
        Decimal("450.50"),
        DecisionSource.IMPORT,
    )
