"""OpenID Connect ("Mon Paris", FranceConnect) against a fake provider on 127.0.0.1."""

import datetime
import re

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from refectoire.accounts.models import User
from tests.accounts.conftest import page, path_of
from tests.fakes.oidc import sign_in, use_providers

pytestmark = pytest.mark.django_db

IDENTIFIER = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{5}$")
FRANCECONNECT_BUTTON = "S’identifier avec"


@pytest.fixture
def monparis(settings, oidc_provider):
    use_providers(settings, oidc_provider.app_settings("monparis", "Mon Paris"))
    return oidc_provider


def provider_login(client, caisse, provider_id="monparis", browser=None):
    """The button of the welcome page, the provider's page (logging in there if it asks), and back
    to our callback. `browser` holds the provider's cookies (a new one by default)."""
    response = client.post(f"/{caisse.slug}/compte/oidc/{provider_id}/login/?process=login")
    assert response.status_code == 302, page(response)
    authorize = response["Location"]
    callback = sign_in(browser or requests.Session(), authorize)
    assert path_of(callback).startswith(f"/{caisse.slug}/compte/oidc/{provider_id}/login/callback/?")
    return authorize, client.get(path_of(callback))


def test_welcome_page_offers_mon_paris_only_when_configured(client, settings, cde11, oidc_provider):
    use_providers(settings)
    content = page(client.get("/cde11/"))
    assert "Me connecter avec Mon Paris" not in content
    assert FRANCECONNECT_BUTTON not in content
    use_providers(settings, oidc_provider.app_settings("monparis", "Mon Paris"))
    content = page(client.get("/cde11/"))
    assert "Me connecter avec Mon Paris" in content
    assert FRANCECONNECT_BUTTON not in content


def test_welcome_page_shows_the_franceconnect_button_when_configured(client, settings, cde11, oidc_provider):
    use_providers(
        settings,
        oidc_provider.app_settings("monparis", "Mon Paris"),
        oidc_provider.app_settings("franceconnect", "FranceConnect"),
    )
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
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 200
    profile = page(client.get(curl(cde11, "portal:household_profile")))
    assert "Camille MARTIN" in profile
    assert person.username in profile
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
    use_providers(settings, app)
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


# The nonce (FranceConnect requires it; allauth's provider does not send it by itself) ----------


def test_the_authorization_request_carries_a_fresh_nonce_that_the_id_token_returns(
    client, monparis, cde11, curl
):
    monparis.require_nonce = True
    authorize, response = provider_login(client, cde11)
    assert response["Location"] == curl(cde11, "portal:dashboard")
    first = monparis.authorize_requests[0]["nonce"]
    assert len(first) >= 32
    client.post(curl(cde11, "account_logout"))
    provider_login(client, cde11)
    assert monparis.authorize_requests[1]["nonce"] != first
    assert User.objects.count() == 1


def test_a_provider_that_requires_the_nonce_accepts_our_authorization_request(client, monparis, cde11):
    monparis.require_nonce = True
    authorize, _ = provider_login(client, cde11)
    assert "nonce=" in authorize
    assert requests.get(authorize, allow_redirects=False, timeout=10).status_code == 200  # its login page
    # Without it, the same provider refuses (what FranceConnect does).
    without = re.sub(r"([?&])nonce=[^&]*&?", r"\1", authorize)
    assert requests.get(without, allow_redirects=False, timeout=10).status_code == 400


@pytest.mark.parametrize("returned_nonce", ["not-the-nonce-we-sent", None])
def test_an_id_token_without_our_nonce_logs_nobody_in(client, monparis, cde11, curl, caplog, returned_nonce):
    monparis.id_token_nonce = returned_nonce
    _, response = provider_login(client, cde11)
    assert response["Location"] == "/cde11/compte/login/"
    content = page(client.get(response["Location"]))
    assert (
        "La réponse de Mon Paris n'a pas pu être vérifiée : par sécurité, vous n'êtes pas connecté."
        in content
    )
    assert "nonce does not match" in caplog.text
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302


def test_an_id_token_issued_for_another_login_is_refused(client, monparis, cde11):
    """A replay: the ID token carries the nonce of an earlier authorization request of this session."""
    first_authorize = client.post("/cde11/compte/oidc/monparis/login/?process=login")["Location"]
    earlier_nonce = re.search(r"[?&]nonce=([^&]+)", first_authorize).group(1)
    monparis.id_token_nonce = requests.utils.unquote(earlier_nonce)
    _, response = provider_login(client, cde11)
    assert response["Location"] == "/cde11/compte/login/"
    assert not User.objects.exists()


def test_a_nonce_given_in_the_query_string_never_replaces_ours(client, monparis, cde11):
    response = client.post(
        "/cde11/compte/oidc/monparis/login/?process=login&auth_params=nonce%3Dchosen-by-someone"
    )
    assert response.status_code == 302
    assert "nonce=chosen-by-someone" not in response["Location"]
    assert re.search(r"[?&]nonce=[A-Za-z0-9_-]{32,}", response["Location"])


def test_franceconnect_is_asked_for_eidas1_unless_the_environment_says_otherwise(monkeypatch):
    from refectoire.settings import _oidc_app

    monkeypatch.setenv(
        "REFECTOIRE_OIDC_FRANCECONNECT_ISSUER", "https://fcp-low.integ01.dev-franceconnect.fr/api/v2"
    )
    monkeypatch.setenv("REFECTOIRE_OIDC_FRANCECONNECT_CLIENT_ID", "cde11")
    monkeypatch.setenv("REFECTOIRE_OIDC_FRANCECONNECT_SECRET", "s3cret")
    assert _oidc_app("franceconnect", "FranceConnect", "FRANCECONNECT", acr_values="eidas1")["settings"][
        "auth_params"
    ] == {"acr_values": "eidas1"}
    monkeypatch.setenv("REFECTOIRE_OIDC_FRANCECONNECT_ACR_VALUES", "eidas2")
    assert _oidc_app("franceconnect", "FranceConnect", "FRANCECONNECT", acr_values="eidas1")["settings"][
        "auth_params"
    ] == {"acr_values": "eidas2"}


def test_the_franceconnect_login_sends_the_acr_values_and_the_nonce(client, settings, oidc_provider, cde11):
    app = oidc_provider.app_settings("franceconnect", "FranceConnect")
    app["settings"]["auth_params"] = {"acr_values": "eidas1"}
    use_providers(settings, app)
    oidc_provider.require_nonce = True
    _, response = provider_login(client, cde11, "franceconnect")
    sent = oidc_provider.authorize_requests[0]
    assert sent["acr_values"] == "eidas1"
    assert sent["nonce"]
    assert response.status_code == 302
    assert User.objects.count() == 1
