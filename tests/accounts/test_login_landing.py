"""Where a person lands after logging in: parents on « Mon espace », agents on the back office."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_agent_logging_in_on_the_welcome_page_lands_on_the_back_office(client, cde11, curl, agent_cde11):
    response = client.post("/cde11/compte/login/", {"login": agent_cde11.email, "password": PASSWORD})
    assert response["Location"] == curl(cde11, "backoffice:home")


def test_a_manager_logging_in_lands_on_the_back_office(client, cde11, curl, manager_cde11):
    response = client.post(
        curl(cde11, "account_login"), {"login": manager_cde11.username, "password": PASSWORD}
    )
    assert response["Location"] == curl(cde11, "backoffice:home")


def test_an_agent_of_another_caisse_lands_on_the_parents_space(client, cde11, curl, agent_cde19):
    response = client.post(curl(cde11, "account_login"), {"login": agent_cde19.email, "password": PASSWORD})
    assert response["Location"] == curl(cde11, "portal:dashboard")


def test_a_parent_still_lands_on_mon_espace(client, cde11, curl, parent_a):
    response = client.post("/cde11/compte/login/", {"login": parent_a.email, "password": PASSWORD})
    assert response["Location"] == curl(cde11, "portal:dashboard")


def test_a_next_address_given_to_the_login_is_still_followed(client, cde11, curl, agent_cde11):
    target = curl(cde11, "backoffice:billing_home")
    response = client.post(
        curl(cde11, "account_login") + "?next=" + target, {"login": agent_cde11.email, "password": PASSWORD}
    )
    assert response["Location"] == target
