"""Agents: two-factor authentication when required, no Django admin."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings

from tests.accounts.conftest import page
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def post_current_code(client, url: str, secret: str):
    """Post the code of the current 30 s window. On a busy machine the server may read it in the
    next window and refuse it: then the new window's code is posted once more."""
    for _attempt in range(2):
        window = int(time.time()) // 30
        response = client.post(url, {"code": totp_code(secret)})
        if response.status_code != 200 or int(time.time()) // 30 == window:
            break
    return response


def password_login(client, caisse, curl, user):
    return client.post(curl(caisse, "account_login"), {"login": user.username, "password": PASSWORD})


def reach_totp_setup(client, caisse, curl):
    """Back office → TOTP setup; allauth asks for the password again first (reauthentication)."""
    response = client.get(curl(caisse, "backoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == curl(caisse, "mfa_activate_totp")
    response = client.get(response["Location"])
    assert response["Location"].startswith(curl(caisse, "account_reauthenticate"))
    reauthenticate = client.get(response["Location"])
    assert "La double authentification est obligatoire pour les agents" in page(reauthenticate)
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == curl(caisse, "mfa_activate_totp")
    return client.get(response["Location"])


def test_with_mfa_required_an_agent_without_totp_is_sent_to_set_it_up(
    client, settings, cde11, curl, agent_cde11
):
    settings.AGENT_MFA = "required"
    password_login(client, cde11, curl, agent_cde11)
    setup = reach_totp_setup(client, cde11, curl)
    assert setup.status_code == 200
    assert 'name="code"' in page(setup)
    assert client.get(curl(cde11, "backoffice:home")).status_code == 302


def test_agent_sets_up_totp_and_then_reaches_the_back_office(client, settings, cde11, curl, agent_cde11):
    settings.AGENT_MFA = "required"
    password_login(client, cde11, curl, agent_cde11)
    reach_totp_setup(client, cde11, curl)
    secret = client.session["mfa.totp.secret"]
    response = client.post(curl(cde11, "mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    response = post_current_code(client, curl(cde11, "mfa_activate_totp"), secret)
    assert response.status_code == 302
    assert agent_cde11.authenticator_set.filter(type="totp").exists()
    assert client.get(curl(cde11, "backoffice:home")).status_code == 200


def test_agent_with_totp_logs_in_with_a_code_and_reaches_the_back_office(
    client, settings, cde11, curl, agent_cde11
):
    settings.AGENT_MFA = "required"
    secret = generate_totp_secret()
    TOTP.activate(agent_cde11, secret)
    response = password_login(client, cde11, curl, agent_cde11)
    assert response["Location"] == curl(cde11, "mfa_authenticate")
    assert client.get(curl(cde11, "backoffice:home")).status_code == 302  # not logged in yet
    response = client.post(curl(cde11, "mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    response = post_current_code(client, curl(cde11, "mfa_authenticate"), secret)
    assert response.status_code == 302
    assert client.get(curl(cde11, "backoffice:home")).status_code == 200


def test_with_mfa_optional_an_agent_without_totp_reaches_the_back_office(client, cde11, curl, agent_cde11):
    assert settings.AGENT_MFA == "optional"
    password_login(client, cde11, curl, agent_cde11)
    assert client.get(curl(cde11, "backoffice:home")).status_code == 200


@pytest.mark.parametrize("persona", ["agent_cde11", "manager_cde11", "parent_a"])
def test_django_admin_is_refused_to_agents_and_parents(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_django_admin_is_open_to_superusers(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
