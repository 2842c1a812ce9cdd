"""OpenID Connect ("Mon Paris", FranceConnect) against a fake provider on 127.0.0.1."""

import datetime
import re

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from refectoire.accounts.models import User
from tests.accounts.conftest import page, path_of

pytestmark = pytest.mark.django_db

IDENTIFIER = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{5}$")
FRANCECONNECT_BUTTON = "S’identifier avec"


@pytest.fixture
def monparis(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [oidc_provider.app_settings("monparis", "Mon Paris")],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    return oidc_provider


def provider_login(client, caisse, provider_id="monparis"):
    """The button of the welcome page, the provider's page, and back to our callback."""
    response = client.post(f"/{caisse.slug}/compte/oidc/{provider_id}/login/?process=login")
    assert response.status_code == 302, page(response)
    authorize = response["Location"]
    back = requests.get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = back.headers["Location"]
    assert path_of(callback).startswith(f"/{caisse.slug}/compte/oidc/{provider_id}/login/callback/?")
    return authorize, client.get(path_of(callback))


def test_welcome_page_offers_mon_paris_only_when_configured(client, settings, cde11, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [], "OAUTH_PKCE_ENABLED": True}}
    content = page(client.get("/cde11/"))
    assert "Me connecter avec Mon Paris" not in content
    assert FRANCECONNECT_BUTTON not in content
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [oidc_provider.app_settings("monparis", "Mon Paris")],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    content = page(client.get("/cde11/"))
    assert "Me connecter avec Mon Paris" in content
    assert FRANCECONNECT_BUTTON not in content


def test_welcome_page_shows_the_franceconnect_button_when_configured(client, settings, cde11, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                oidc_provider.app_settings("monparis", "Mon Paris"),
                oidc_provider.app_settings("franceconnect", "FranceConnect"),
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    response = client.get("/cde11/")
    content = page(response)
    assert "Me connecter avec Mon Paris" in content
    assert FRANCECONNECT_BUTTON in content
    assert 'action="/cde11/compte/oidc/franceconnect/login/?process=login"' in content
    login_page = page(client.get("/cde11/compte/login/"))
    assert "Me connecter avec Mon Paris" in login_page
    assert FRANCECONNECT_BUTTON in login_page
    # The browser may post the login forms to the provider's origin.
    assert oidc_provider.issuer in response["Content-Security-Policy"]


def test_first_provider_login_creates_a_prefilled_account(client, monparis, cde11, curl):
    authorize, response = provider_login(client, cde11)
    assert "code_challenge=" in authorize
    assert "code_challenge_method=S256" in authorize
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "portal:dashboard")
    person = User.objects.get()
    assert IDENTIFIER.match(person.username)
    assert (person.first_name, person.last_name) == ("Camille", "Martin")
    assert person.birth_date == datetime.date(1984, 2, 29)
    assert person.email == "camille.martin@example.fr"
    assert person.signup_caisse == cde11
    assert not person.has_usable_password()
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (person, "monparis", "sub-0001")
    dashboard = page(client.get(curl(cde11, "portal:dashboard")))
    assert "Camille MARTIN" in dashboard
    assert person.username in dashboard
    # The token request proved the code, the client secret and the PKCE verifier.
    assert monparis.token_requests[0]["code_verifier"]
    assert monparis.token_requests[0]["client_secret"] == monparis.secret


def test_second_provider_login_finds_the_same_account(client, monparis, cde11, curl):
    provider_login(client, cde11)
    client.post(curl(cde11, "account_logout"))
    _, response = provider_login(client, cde11)
    assert response["Location"] == curl(cde11, "portal:dashboard")
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_provider_login_with_the_email_of_a_verified_account_links_to_it(
    client, monparis, cde11, curl, parent_a
):
    monparis.claims = {**monparis.claims, "sub": "sub-allison", "email": parent_a.email}
    _, response = provider_login(client, cde11)
    assert response["Location"] == curl(cde11, "portal:dashboard")
    assert User.objects.count() == 1
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (parent_a, "sub-allison")
    assert client.get(curl(cde11, "portal:dashboard")).context["person"] == parent_a
    parent_a.refresh_from_db()
    assert parent_a.first_name == "Allison"  # an existing account keeps what its owner typed


def test_oidc_apps_are_read_from_the_environment(monkeypatch):
    from refectoire.settings import _oidc_app

    assert _oidc_app("monparis", "Mon Paris", "MONPARIS") is None
    monkeypatch.setenv("REFECTOIRE_OIDC_MONPARIS_ISSUER", "https://moncompte.paris.fr/realms/paris")
    monkeypatch.setenv("REFECTOIRE_OIDC_MONPARIS_CLIENT_ID", "cde11")
    monkeypatch.setenv("REFECTOIRE_OIDC_MONPARIS_SECRET", "s3cret")
    monkeypatch.setenv("REFECTOIRE_OIDC_MONPARIS_SCOPES", "openid,email,profile,birthdate")
    app = _oidc_app("monparis", "Mon Paris", "MONPARIS")
    assert app["provider_id"] == "monparis"
    assert app["client_id"] == "cde11"
    assert app["secret"] == "s3cret"
    assert app["settings"]["server_url"] == "https://moncompte.paris.fr/realms/paris"
    assert app["settings"]["scope"] == ["openid", "email", "profile", "birthdate"]


def test_a_provider_that_refuses_the_code_leaves_no_account_and_says_so_in_french(
    client, settings, oidc_provider, cde11
):
    app = oidc_provider.app_settings("monparis", "Mon Paris")
    app["secret"] = "not-the-secret"
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}
    _, response = provider_login(client, cde11)
    assert response["Location"] == "/cde11/compte/login/"
    content = page(client.get(response["Location"]))
    assert "La connexion avec le fournisseur d'identité a échoué. Réessayez plus tard." in content
    assert not User.objects.exists()


def test_a_provider_email_not_verified_by_the_provider_is_never_linked_to_an_existing_account(
    client, monparis, cde11, curl, parent_a
):
    monparis.claims = {**monparis.claims, "sub": "sub-x", "email": parent_a.email, "email_verified": False}
    provider_login(client, cde11)
    assert not SocialAccount.objects.filter(user=parent_a).exists()
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302
