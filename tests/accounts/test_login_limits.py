"""Limits on logins behind the reverse proxy of docs/deploy.md: per client address (read from
X-Forwarded-For, never the proxy's own address) and per account (identifier and e-mail together)."""

import pytest
from django.test import Client

from tests.accounts.test_login import TOO_MANY_LOGINS, login, text
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def behind_proxy(client_address: str) -> Client:
    """A browser at `client_address` whose requests reach Django through the proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_many_parents_behind_one_proxy_do_not_shut_login_for_another(
    settings, cde11, curl, parent_a, parent_b
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what BEHIND_PROXY=1 sets
    for number in range(40):
        response = login(behind_proxy(f"203.0.113.{number + 1}"), cde11, curl, parent_a.username, PASSWORD)
        assert response.status_code == 302
    response = login(behind_proxy("198.51.100.7"), cde11, curl, parent_b.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "portal:dashboard")


def test_one_client_address_behind_the_proxy_is_still_limited(settings, cde11, curl, parent_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The settings' count, over an hour rather than a minute: 31 logins on a busy machine may take
    # longer than a minute, and what is tested is whose logins count together, not allauth's clock.
    count = int(settings.ACCOUNT_RATE_LIMITS["login"].split("/")[0])
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": f"{count}/h/ip"}
    statuses = [
        login(behind_proxy("203.0.113.9"), cde11, curl, parent_a.username, PASSWORD).status_code
        for _attempt in range(count + 1)
    ]
    assert statuses == [302] * count + [429]


def test_the_forwarded_address_is_trusted_only_behind_a_proxy(settings):
    # Production settings read BEHIND_PROXY: without it the header is not trusted.
    from tests.accounts.test_production_settings import production

    assert production("settings.ALLAUTH_TRUSTED_PROXY_COUNT") == 0
    assert production("settings.ALLAUTH_TRUSTED_PROXY_COUNT", BEHIND_PROXY="1") == 1
    assert (
        production(
            "settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER",
            BEHIND_PROXY="1",
            ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        )
        == "X-Real-IP"
    )


def test_failed_logins_by_identifier_and_by_email_count_together(client, cde11, curl, parent_a):
    for identifier in [parent_a.username] * 3 + [parent_a.email, parent_a.email.upper()]:
        assert TOO_MANY_LOGINS not in text(login(client, cde11, curl, identifier, "Mauvais2026"))
    response = login(client, cde11, curl, parent_a.username, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY_LOGINS in text(response)
