"""An agent's page of a household: the family first (members, children « Né »/« Née »,
enrollments, tariff, balance), the decision and the documents next, the history last."""

import pytest

from refectoire.households.enums import HouseholdState
from tests.households.factories import ChildFactory, household_for

pytestmark = pytest.mark.django_db


def test_the_family_comes_before_the_actions_and_the_history_last(client, curl, cde11, agent_cde11, parent_a):
    household = household_for(parent_a, cde11, state=HouseholdState.SUBMITTED, children=())
    ChildFactory(household=household, first_name="Elie", sex="f")
    ChildFactory(household=household, first_name="Robin", sex="m")
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:household_detail", household_uuid=household.uuid)
    ).content.decode()
    order = [page.index(f'id="{anchor}"') for anchor in [
        "guardians-title", "children-title", "enrollments-title", "money-title", "decision-title", "history-title"
    ]]  # fmt: skip
    assert order == sorted(order)
    assert "Elie" in page and "née le" in page and "né le" in page
    assert page.index("<textarea") > page.index('id="money-title"')  # no empty box above the data
    assert "Reste à payer" in page


def test_another_caisses_agent_and_a_parent_get_no_household_page(
    client, curl, cde11, agent_cde19, parent_a, parent_b
):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    url = curl(cde11, "backoffice:household_detail", household_uuid=household.uuid)
    assert client.get(url).status_code == 302
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    client.force_login(parent_b)
    assert client.get(url).status_code == 404
