"""Helpers of the account tests: a filled signup form, the CGU step, links read from e-mails."""

import html
import re

import pytest
from django.core import mail

from tests.fakes.oidc import oidc_provider  # noqa: F401  (fixture)
from tests.fakes.smtp import queued_mail, smtp_delivery, smtp_server  # noqa: F401  (fixtures)

STRONG_PASSWORD = "Tartine2026"


def signup_data(**overrides):
    data = {
        "civility": "mme",
        "last_name": "Lovinfosse",
        "birth_name": "",
        "first_name": "Allison",
        "birth_date": "1985-05-17",
        "street_number": "12",
        "street_name": "rue de la Roquette",
        "building": "B",
        "apartment": "24",
        "address_complement": "",
        "postcode": "75011",
        "city": "Paris",
        "country": "France",
        "email": "allison@example.fr",
        "mobile_phone": "06 12 34 56 78",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def page(response) -> str:
    """The HTML of a response, entities decoded, to look for French text in it."""
    return html.unescape(response.content.decode())


def link_in(message, marker: str) -> str:
    """The first address in the body of `message` whose path contains `marker`."""
    match = re.search(r"https?://[^\s]+" + re.escape(marker) + r"[^\s]*", message.body)
    assert match, f"no link containing {marker!r} in:\n{message.body}"
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def signup(client, curl):
    """Signs up through both steps in `caisse`; returns the response of step 2."""

    def run(caisse, **overrides):
        client.post(curl(caisse, "signup_cgu"), {"accept": "on"})
        return client.post(curl(caisse, "account_signup"), signup_data(**overrides))

    return run


@pytest.fixture
def activation_path():
    def find(index=-1):
        return path_of(link_in(mail.outbox[index], "/compte/confirm-email/"))

    return find
