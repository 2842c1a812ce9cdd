"""OpenID Connect hardening: the ID token verified against the JWKS, the `iss` parameter, the
FranceConnect v2 protocol (signed userinfo, ES256, eidas1), the provider's errors in French, and
the logout that ends the provider's session too. Against the fake providers on 127.0.0.1."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from refectoire.accounts.models import User
from refectoire.accounts.oidc import LOGIN_SESSION_KEY
from tests.accounts.conftest import page, path_of
from tests.factories import PASSWORD
from tests.fakes.oidc import franceconnect_provider, sign_in, use_providers  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

NOT_VERIFIED = "La réponse de {} n'a pas pu être vérifiée : par sécurité, vous n'êtes pas connecté."
OTHER_WAYS_IN = "Réessayez, ou connectez-vous avec votre identifiant et votre mot de passe."


@pytest.fixture
def monparis(settings, oidc_provider):
    use_providers(settings, oidc_provider.app_settings("monparis", "Mon Paris"))
    return oidc_provider


@pytest.fixture
def franceconnect(settings, franceconnect_provider):  # noqa: F811
    use_providers(settings, franceconnect_provider.app_settings("franceconnect", "FranceConnect"))
    return franceconnect_provider


@pytest.fixture
def both(settings, oidc_provider, franceconnect_provider):  # noqa: F811
    use_providers(
        settings,
        oidc_provider.app_settings("monparis", "Mon Paris"),
        franceconnect_provider.app_settings("franceconnect", "FranceConnect"),
    )
    return {"monparis": oidc_provider, "franceconnect": franceconnect_provider}


def start_login(client, caisse, provider_id):
    response = client.post(f"/{caisse.slug}/compte/oidc/{provider_id}/login/?process=login")
    assert response.status_code == 302, page(response)
    return response["Location"]


def provider_login(client, caisse, provider_id, browser=None):
    """The button, the provider (its login page if it asks), back to our callback: the response."""
    callback = sign_in(browser or requests.Session(), start_login(client, caisse, provider_id))
    assert path_of(callback).startswith(f"/{caisse.slug}/compte/oidc/{provider_id}/login/callback/?")
    return client.get(path_of(callback))


def refused_in_french(client, response, provider_name):
    assert response.status_code == 302
    assert response["Location"] == "/cde11/compte/login/"
    content = page(client.get(response["Location"]))
    assert NOT_VERIFIED.format(provider_name) in content
    assert OTHER_WAYS_IN in content
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert LOGIN_SESSION_KEY not in client.session


# The authorization request ----------------------------------------------------------------------


def test_state_and_nonce_are_at_least_32_characters(client, monparis, cde11):
    query = parse_qs(urlsplit(start_login(client, cde11, "monparis")).query)
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32


def test_the_acr_values_of_the_settings_cannot_be_replaced_from_the_query_string(
    client, franceconnect, cde11
):
    response = client.post(
        "/cde11/compte/oidc/franceconnect/login/?process=login&auth_params=acr_values%3Deidas0"
    )
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["acr_values"] == ["eidas1"]


# The ID token, verified against the JWKS --------------------------------------------------------


def test_an_id_token_signed_by_a_key_the_provider_does_not_publish_is_refused(
    client, monparis, cde11, caplog
):
    monparis.unknown_key_for = {"id_token"}
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert "ID token: bad signature" in caplog.text


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"iss": "https://another-provider.example.fr"}, "ID token: wrong issuer"),
        ({"aud": "another-client"}, "ID token: wrong audience"),
        ({"exp": int(time.time()) - 600}, "ID token: expired"),
        ({"exp": None}, "exp"),
    ],
    ids=["issuer", "audience", "expired", "no-expiry"],
)
def test_an_id_token_for_someone_else_or_too_old_is_refused(
    client, monparis, cde11, caplog, overrides, reason
):
    monparis.id_token_overrides = overrides
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert reason in caplog.text


def test_an_id_token_signed_with_the_client_secret_is_refused(client, monparis, cde11, caplog):
    """HS256 (FranceConnect v1) proves nothing the client could not forge: ES256 or RS256 only."""
    monparis.algorithm = "HS256"
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert "algorithm 'HS256' refused" in caplog.text


def test_an_id_token_without_nonce_is_refused(client, monparis, cde11, caplog):
    monparis.id_token_nonce = None
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert "nonce does not match" in caplog.text


def test_an_iss_parameter_naming_another_provider_is_refused_before_the_code_is_used(
    client, monparis, cde11, caplog
):
    monparis.callback_iss = "https://another-provider.example.fr"
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert "iss parameter" in caplog.text
    assert monparis.token_requests == []  # the code was never sent to the token endpoint


def test_a_missing_iss_parameter_is_refused_when_the_provider_announces_it(client, monparis, cde11, caplog):
    monparis.callback_iss = None
    refused_in_french(client, provider_login(client, cde11, "monparis"), "Mon Paris")
    assert "iss parameter missing" in caplog.text


def test_the_id_token_signature_is_checked_on_every_login_not_only_the_first(client, monparis, cde11, curl):
    response = provider_login(client, cde11, "monparis")
    assert response["Location"] == curl(cde11, "portal:dashboard")
    client.post(curl(cde11, "account_logout"))
    monparis.unknown_key_for = {"id_token"}
    refused = provider_login(client, cde11, "monparis")
    assert refused["Location"] == "/cde11/compte/login/"
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302


# FranceConnect v2 -------------------------------------------------------------------------------


def test_franceconnect_v2_login_reads_the_person_from_the_signed_userinfo(client, franceconnect, cde11, curl):
    response = provider_login(client, cde11, "franceconnect")
    assert response["Location"] == curl(cde11, "portal:dashboard")
    person = User.objects.get()
    assert (person.first_name, person.last_name, person.email) == (
        "Camille",
        "Martin",
        "camille.martin@example.fr",
    )
    assert SocialAccount.objects.get().provider == "franceconnect"
    sent = franceconnect.authorize_requests[0]
    assert sent["acr_values"] == "eidas1"
    assert len(sent["nonce"]) >= 32


def test_a_franceconnect_userinfo_with_a_bad_signature_is_refused(client, franceconnect, cde11, caplog):
    franceconnect.unknown_key_for = {"userinfo"}
    refused_in_french(client, provider_login(client, cde11, "franceconnect"), "FranceConnect")
    assert "userinfo: bad signature" in caplog.text


def test_a_franceconnect_id_token_with_a_bad_signature_is_refused(client, franceconnect, cde11, caplog):
    franceconnect.unknown_key_for = {"id_token"}
    refused_in_french(client, provider_login(client, cde11, "franceconnect"), "FranceConnect")
    assert "ID token: bad signature" in caplog.text


def test_an_unsigned_userinfo_is_refused_from_franceconnect(client, settings, franceconnect, cde11, caplog):
    franceconnect.franceconnect = False  # the fake answers in plain JSON (and a full ID token)
    refused_in_french(client, provider_login(client, cde11, "franceconnect"), "FranceConnect")
    assert "userinfo not signed" in caplog.text


def test_an_acr_below_the_level_asked_is_refused(client, franceconnect, cde11, caplog):
    franceconnect.id_token_overrides = {"acr": "eidas0"}
    refused_in_french(client, provider_login(client, cde11, "franceconnect"), "FranceConnect")
    assert "acr 'eidas0' does not meet eidas1" in caplog.text


def test_a_higher_eidas_level_than_asked_is_accepted(client, franceconnect, cde11, curl):
    franceconnect.id_token_overrides = {"acr": "eidas2"}
    assert provider_login(client, cde11, "franceconnect")["Location"] == curl(cde11, "portal:dashboard")


@pytest.mark.parametrize(
    "error, sentence",
    [
        ("access_denied", "Vous avez annulé la connexion avec FranceConnect."),
        ("temporarily_unavailable", "FranceConnect est momentanément indisponible."),
        ("invalid_request", "FranceConnect n'a pas pu vous identifier."),
    ],
)
def test_an_error_returned_to_the_callback_is_said_in_french(client, franceconnect, cde11, error, sentence):
    franceconnect.authorize_error = (error, "Une description technique du fournisseur")
    response = provider_login(client, cde11, "franceconnect")
    assert response.status_code == 302
    assert response["Location"] == "/cde11/compte/login/"
    content = page(client.get(response["Location"]))
    assert f"{sentence} {OTHER_WAYS_IN}" in content
    assert error not in content  # never the provider's code
    assert not User.objects.exists()


def test_an_unreachable_provider_is_said_in_french(client, monparis, cde11):
    monparis.stop()
    response = client.post("/cde11/compte/oidc/monparis/login/?process=login")
    assert response["Location"] == "/cde11/compte/login/"
    assert "Le service de connexion ne répond pas pour le moment." in page(client.get(response["Location"]))


# Logout ends the provider's session --------------------------------------------------------------


@pytest.mark.parametrize("provider_id, name", [("monparis", "Mon Paris"), ("franceconnect", "FranceConnect")])
def test_logout_ends_the_provider_session_and_the_next_login_asks_again(
    client, both, cde11, curl, provider_id, name
):
    provider = both[provider_id]
    browser = requests.Session()  # the shared computer: the same browser for both parents
    assert provider_login(client, cde11, provider_id, browser)["Location"] == curl(cde11, "portal:dashboard")
    assert len(provider.login_pages) == 1
    id_token = client.session[LOGIN_SESSION_KEY]["id_token"]

    response = client.post(curl(cde11, "account_logout"))
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert (
        f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{provider.issuer}/session/end"
    )
    sent = {key: values[0] for key, values in parse_qs(end_session.query).items()}
    assert sent["id_token_hint"] == id_token
    assert len(sent["state"]) >= 32
    registered = f"http://testserver/cde11/compte/oidc/{provider_id}/logout/callback/"
    assert sent["post_logout_redirect_uri"] == registered
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302  # logged out here already

    provider.post_logout_redirect_uris = [registered]
    back = browser.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert back.headers["Location"] == f"{registered}?state={sent['state']}"
    welcome = client.get(path_of(back.headers["Location"]))
    assert welcome["Location"] == "/cde11/"
    assert f"Vous êtes aussi déconnecté de {name}." in page(client.get("/cde11/"))

    # The next parent on this computer: the provider asks who they are.
    provider.claims = {**provider.claims, "sub": "sub-0002", "email": "sacha.durand@example.fr"}
    provider_login(client, cde11, provider_id, browser)
    assert len(provider.login_pages) == 2
    assert client.session[LOGIN_SESSION_KEY]["id_token"] != id_token
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "camille.martin@example.fr",
        "sacha.durand@example.fr",
    ]


def test_without_logout_at_the_provider_the_next_login_does_not_ask(client, monparis, cde11, curl):
    """What the logout prevents: the provider's session lives on, the next click logs straight in."""
    browser = requests.Session()
    provider_login(client, cde11, "monparis", browser)
    client.logout()  # our session only
    provider_login(client, cde11, "monparis", browser)
    assert len(monparis.login_pages) == 1


def test_the_id_token_is_kept_in_the_session_only(client, monparis, cde11):
    provider_login(client, cde11, "monparis")
    assert client.session[LOGIN_SESSION_KEY]["provider_id"] == "monparis"
    account = SocialAccount.objects.get()
    assert account.socialtoken_set.count() == 0
    assert client.session[LOGIN_SESSION_KEY]["id_token"] not in str(account.extra_data)


def test_the_logout_comes_back_to_the_caisse_the_parent_was_on(client, monparis, cde11, cde19, curl):
    provider_login(client, cde11, "monparis")
    response = client.post(curl(cde19, "account_logout"))
    sent = parse_qs(urlsplit(response["Location"]).query)
    assert sent["post_logout_redirect_uri"] == [
        "http://testserver/cde19/compte/oidc/monparis/logout/callback/"
    ]
    back = sign_out(response["Location"])
    assert client.get(path_of(back))["Location"] == "/cde19/"


def sign_out(end_session_url: str) -> str:
    back = requests.get(end_session_url, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def test_a_return_from_logout_with_another_state_says_nothing_more(client, monparis, cde11):
    provider_login(client, cde11, "monparis")
    response = client.post("/cde11/compte/logout/")
    back = sign_out(response["Location"])
    forged = re.sub(r"state=[^&]+", "state=" + "x" * 43, back)
    assert client.get(path_of(forged))["Location"] == "/cde11/"
    assert "Vous êtes aussi déconnecté" not in page(client.get("/cde11/"))


def test_a_provider_login_finished_with_a_second_factor_still_ends_the_provider_session(
    client, monparis, cde11, curl, agent_cde11
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.accounts.test_agents import post_current_code

    secret = generate_totp_secret()
    TOTP.activate(agent_cde11, secret)
    monparis.claims = {**monparis.claims, "sub": "sub-agent", "email": agent_cde11.email}
    response = provider_login(client, cde11, "monparis")
    assert response["Location"] == curl(cde11, "mfa_authenticate")
    assert LOGIN_SESSION_KEY not in client.session
    post_current_code(client, curl(cde11, "mfa_authenticate"), secret)
    assert client.session["_auth_user_id"] == str(agent_cde11.pk)
    response = client.post(curl(cde11, "account_logout"))
    assert response["Location"].startswith(f"{monparis.issuer}/session/end?")


def test_a_password_login_after_an_abandoned_provider_login_keeps_no_id_token(
    client, monparis, cde11, parent_a, curl
):
    monparis.claims = {**monparis.claims, "email_verified": False, "email": parent_a.email}
    provider_login(client, cde11, "monparis")  # stops on a signup form: the e-mail is taken
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302
    client.post(curl(cde11, "account_login"), {"login": parent_a.username, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(parent_a.pk)
    assert LOGIN_SESSION_KEY not in client.session
    assert client.post(curl(cde11, "account_logout"))["Location"] == "/cde11/"


def test_a_password_login_logs_out_without_going_to_a_provider(client, monparis, cde11, parent_a):
    client.force_login(parent_a)
    response = client.post("/cde11/compte/logout/")
    assert response["Location"] == "/cde11/"
    assert monparis.logout_requests == []


def test_logout_when_the_provider_is_unreachable_still_logs_out_and_warns(client, monparis, cde11, curl):
    provider_login(client, cde11, "monparis")
    monparis.stop()
    response = client.post("/cde11/compte/logout/")
    assert response["Location"] == "/cde11/"
    assert client.get(curl(cde11, "portal:dashboard")).status_code == 302
    assert "le service de connexion n'a pas pu être prévenu" in page(client.get("/cde11/"))
