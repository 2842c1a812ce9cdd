"""A change of resources opens a request that supersedes the year's; the parent may withdraw a
request not decided yet."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from refectoire.pricing import services
from refectoire.pricing.enums import IncomeSource, TariffRequestReason, TariffRequestState
from refectoire.pricing.models import TariffRequest
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.selectors import bracket_in_force, tariff_tile
from tests.factories import UserFactory
from tests.pricing.factories import household_of, paris_grid, upload

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cde11):
    return paris_grid(cde11).school_year


@pytest.fixture
def household(cde11, parent_a):
    return household_of(parent_a, cde11, children=2)


def caf(qf="812", children=2):
    return Declaration(
        income_source=IncomeSource.CAF_ATTESTATION, children_count=children, declared_qf=Decimal(qf)
    )


def submit(household, year, user, declaration=None):
    request = services.tariff_request_submit(
        household=household, school_year=year, user=user, declaration=declaration or caf(), proofs=[upload()]
    )
    TariffRequest.objects.filter(pk=request.pk).update(
        sent_at=timezone.make_aware(datetime.datetime(2026, 9, 10, 10))
    )
    request.refresh_from_db()
    return request


def decided(household, year, parent, agent, bracket=4):
    request = submit(household, year, parent)
    services.tariff_request_decide(
        request=request, agent=agent, bracket_number=bracket, family_quotient=Decimal("812")
    )
    return request


def test_a_change_of_resources_opens_a_prefilled_request_that_waits_for_the_family(
    household, year, parent_a, agent_cde11
):
    earlier = decided(household, year, parent_a, agent_cde11)
    new = services.tariff_request_open_for_resources_change(
        household=household, school_year=year, effective_date=D(2026, 12, 1), opened_by=agent_cde11
    )
    assert new.state == TariffRequestState.NEEDS_INFO
    assert new.reason == TariffRequestReason.RESOURCES_CHANGE
    assert new.supersedes == earlier
    assert (new.income_source, new.declared_qf, new.children_count) == (
        IncomeSource.CAF_ATTESTATION,
        Decimal("812"),
        2,
    )
    assert [e.action for e in new.events.all()] == ["open_resources_change"]
    tile = tariff_tile(household=household, school_year=year)
    assert tile.state == "needs_info" and tile.state_label == "À compléter"
    assert tile.text.startswith("Demande à compléter : Changement de ressources à partir du 01/12/2026")
    assert "attestation CAF ou MSA de moins de 3 mois" in tile.text


def test_the_earlier_decision_stays_until_the_new_one_which_applies_from_the_change(
    household, year, parent_a, agent_cde11
):
    decided(household, year, parent_a, agent_cde11, bracket=4)
    new = services.tariff_request_open_for_resources_change(
        household=household, school_year=year, effective_date=D(2026, 12, 1), opened_by=agent_cde11
    )
    services.tariff_request_complete(request=new, user=parent_a, declaration=caf("300"), proofs=[upload()])
    services.tariff_request_decide(
        request=new, agent=agent_cde11, bracket_number=2, family_quotient=Decimal("300")
    )
    assert bracket_in_force(household=household, day=D(2026, 11, 30)).bracket_number == 4
    assert bracket_in_force(household=household, day=D(2026, 12, 1)).bracket_number == 2
    with pytest.raises(ValidationError) as error:
        again = services.tariff_request_open_for_resources_change(
            household=household, school_year=year, effective_date=D(2027, 1, 4), opened_by=agent_cde11
        )
        services.tariff_request_decide(
            request=again,
            agent=agent_cde11,
            bracket_number=3,
            family_quotient=None,
            start_date=D(2026, 12, 1),
        )
    assert "Pas de rétroactivité" in error.value.messages[0]


def test_the_yearly_rule_still_holds_and_one_superseding_request_at_a_time(
    household, year, parent_a, agent_cde11
):
    decided(household, year, parent_a, agent_cde11)
    with pytest.raises(ValidationError, match="déjà été faite"):
        submit(household, year, parent_a)
    services.tariff_request_open_for_resources_change(
        household=household, school_year=year, effective_date=D(2026, 12, 1), opened_by=agent_cde11
    )
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.tariff_request_open_for_resources_change(
            household=household, school_year=year, effective_date=D(2027, 1, 4), opened_by=agent_cde11
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TariffRequest.objects.create(
            caisse=household.caisse,
            household=household,
            school_year=year,
            state=TariffRequestState.SENT,
            reason=TariffRequestReason.RESOURCES_CHANGE,
            supersedes=TariffRequest.objects.first(),
            effective_date=D(2027, 2, 1),
            sent_at=timezone.now(),
            income_source=IncomeSource.CAF_ATTESTATION,
        )


def test_a_change_date_outside_the_year_is_refused_next_to_the_field(household, year, agent_cde11):
    with pytest.raises(ValidationError) as error:
        services.tariff_request_open_for_resources_change(
            household=household, school_year=year, effective_date=D(2027, 8, 1), opened_by=agent_cde11
        )
    assert error.value.message_dict == {
        "effective_date": ["La date du changement doit être dans l'année scolaire 2026-2027."]
    }


@pytest.mark.parametrize("state", ["sent", "in_review", "needs_info"])
def test_the_parent_withdraws_a_request_not_decided_then_sends_a_new_one(
    client, curl, cde11, household, year, parent_a, agent_cde11, state
):
    request = submit(household, year, parent_a)
    TariffRequest.objects.filter(pk=request.pk).update(state=state)
    client.force_login(agent_cde11)
    queue_url = curl(cde11, "backoffice:tariff_requests")
    assert str(request.uuid) in client.get(queue_url, {"state": state}).content.decode()
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:tariff", year_uuid=year.uuid)).content.decode()
    assert "Retirer ma demande" in page
    response = client.post(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid))
    assert response["Location"] == curl(cde11, "portal:tariff", year_uuid=year.uuid)
    request.refresh_from_db()
    assert request.state == TariffRequestState.CANCELLED
    event = request.events.last()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "withdraw",
        state,
        "cancelled",
        parent_a,
    )
    client.force_login(agent_cde11)
    assert str(request.uuid) not in client.get(queue_url, {"state": state}).content.decode()
    assert str(request.uuid) in client.get(queue_url, {"state": "cancelled"}).content.decode()
    again = submit(household, year, parent_a)
    assert again.state == TariffRequestState.SENT


@pytest.mark.parametrize("state", ["decided", "refused", "cancelled"])
def test_a_decided_or_closed_request_cannot_be_withdrawn(
    client, curl, cde11, household, year, parent_a, state
):
    request = submit(household, year, parent_a)
    TariffRequest.objects.filter(pk=request.pk).update(state=state)
    client.force_login(parent_a)
    assert (
        "Retirer ma demande"
        not in client.get(curl(cde11, "portal:tariff", year_uuid=year.uuid)).content.decode()
    )
    response = client.post(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid), follow=True)
    assert "elle ne peut plus être retirée" in response.content.decode()
    request.refresh_from_db()
    assert request.state == state


def test_another_family_and_another_caisse_get_404_on_withdrawal(
    client, curl, cde11, cde19, household, year, parent_a, parent_b
):
    request = submit(household, year, parent_a)
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    assert client.post(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid)).status_code == 404
    client.force_login(parent_a)
    assert client.post(curl(cde19, "portal:tariff_withdraw", request_uuid=request.uuid)).status_code == 404
    assert client.get(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid)).status_code == 405
    client.logout()
    assert client.post(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid)).status_code == 302
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(curl(cde11, "portal:tariff_withdraw", request_uuid=request.uuid)).status_code == 404
    request.refresh_from_db()
    assert request.state == TariffRequestState.SENT


def test_a_change_of_resources_never_reprices_days_already_invoiced(household, year, parent_a, agent_cde11):
    from refectoire.billing.enums import RunState
    from refectoire.billing.models import BillingRun
    from refectoire.schools.models import BillingPeriod

    period = BillingPeriod.objects.create(
        caisse=household.caisse,
        school_year=year,
        label="Novembre / Décembre 2026",
        start_date=D(2026, 11, 1),
        end_date=D(2026, 12, 31),
    )
    decided(household, year, parent_a, agent_cde11, bracket=4)  # before the period was invoiced
    BillingRun.objects.create(caisse=household.caisse, period=period, state=RunState.ISSUED)
    new = services.tariff_request_open_for_resources_change(
        household=household, school_year=year, effective_date=D(2026, 12, 1), opened_by=agent_cde11
    )
    services.tariff_request_complete(request=new, user=parent_a, declaration=caf("300"), proofs=[upload()])
    with pytest.raises(ValidationError) as error:
        services.tariff_request_decide(
            request=new, agent=agent_cde11, bracket_number=2, family_quotient=None, start_date=D(2026, 12, 1)
        )
    assert "Pas de rétroactivité" in error.value.messages[0]
    services.tariff_request_decide(request=new, agent=agent_cde11, bracket_number=2, family_quotient=None)
    assert bracket_in_force(household=household, day=D(2026, 12, 31)).bracket_number == 4
    assert bracket_in_force(household=household, day=D(2027, 1, 1)).bracket_number == 2
