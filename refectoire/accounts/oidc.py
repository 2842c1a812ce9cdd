"""OpenID Connect ("Mon Paris", FranceConnect v2): allauth's provider, with the checks it skips.

allauth's `openid_connect` provider (65.x) sends `state` and PKCE, but no `nonce`, and in the
code flow it does not check the ID token's signature. Ours, on every login:
- sends a random `nonce` (kept in the session, keyed by the `state`) and a `state` of 43
  characters (SocialAccountAdapter.generate_state_param);
- checks the `iss` parameter returned with the code (RFC 9207) when present, and requires it
  when the provider says it sends one;
- verifies the ID token against the provider's JWKS: signature (ES256 or RS256 only), issuer,
  audience, expiry, and the nonce of this authorization request; the `acr` returned meets the
  `acr_values` asked (eidas1 for FranceConnect);
- reads userinfo as JSON or, when the provider signs it (FranceConnect v2: `application/jwt`),
  verifies it the same way; a provider configured with `signed_userinfo` must sign it;
- keeps the raw ID token in the session (never in the database), so that logging out of
  Réfectoire also ends the provider's session through its `end_session_endpoint`.

Selected by `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]` in the settings; its
URLs and views are those of `refectoire.www.oidc` (allauth's own views build allauth's adapter).
"""

import logging
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import get_request_param
from django.urls import reverse
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

NONCE_SESSION_KEY = "refectoire_oidc_nonces"
MAX_PENDING_NONCES = 10  # as many as allauth keeps states
LOGIN_SESSION_KEY = "refectoire_oidc_login"  # {"provider_id", "id_token"} of the current login
PENDING_LOGIN_SESSION_KEY = "refectoire_oidc_pending_login"  # the same, and "uid", until logged in
LOGOUT_SESSION_KEY = "refectoire_oidc_logout"  # {"provider_id", "state"} of a logout under way
ALGORITHMS = ("ES256", "RS256")  # FranceConnect v2 signs with either; nothing weaker is accepted
LEEWAY_SECONDS = 30  # clocks of the provider and ours may differ a little, no more


class IDTokenRejected(OAuth2Error):
    """The provider's answer failed a check: nobody is logged in. `reason` is for the log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        check_iss_parameter(request, self.openid_config)
        return super().get_access_token_data(request, app, client, pkce_code_verifier=pkce_code_verifier)

    def complete_login(self, request, app, token, **kwargs):
        raw_id_token = kwargs["response"].get("id_token")
        if not raw_id_token:
            raise IDTokenRejected("no ID token in the token response")
        id_token = self.verify(raw_id_token, app, what="ID token")
        for claim in ("exp", "iat", "sub"):
            if claim not in id_token:
                raise IDTokenRejected(f"ID token without {claim}")
        check_nonce(request, id_token)
        check_acr(app.settings.get("auth_params") or {}, id_token)
        data = {"id_token": id_token}
        if app.settings.get("fetch_userinfo", True):
            data["userinfo"] = self.userinfo(token.token, app, id_token)
        login = self.get_provider().sociallogin_from_response(request, data)
        keep_pending_login(request, provider_id=app.provider_id, uid=login.account.uid, id_token=raw_id_token)
        return login

    def verify(self, credential: str, app, *, what: str) -> dict:
        """The claims of a JWT signed by the provider, for us, from the provider, not expired."""
        try:
            header = jwt.get_unverified_header(credential)
        except jwt.PyJWTError as error:
            raise IDTokenRejected(f"{what}: not a JWT ({error})") from error
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise IDTokenRejected(f"{what}: algorithm {algorithm!r} refused")
        key = self.signing_key(header, algorithm, what=what)
        try:
            return jwt.decode(
                credential,
                key=key,
                algorithms=[algorithm],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud"], "verify_signature": True},
            )
        except jwt.InvalidSignatureError as error:
            raise IDTokenRejected(f"{what}: bad signature") from error
        except jwt.ExpiredSignatureError as error:
            raise IDTokenRejected(f"{what}: expired") from error
        except jwt.InvalidIssuerError as error:
            raise IDTokenRejected(f"{what}: wrong issuer") from error
        except jwt.InvalidAudienceError as error:
            raise IDTokenRejected(f"{what}: wrong audience") from error
        except jwt.PyJWTError as error:
            raise IDTokenRejected(f"{what}: {error}") from error

    def signing_key(self, header: dict, algorithm: str, *, what: str):
        with get_adapter().get_requests_session() as session:
            response = session.get(self.openid_config["jwks_uri"])
            response.raise_for_status()
            keys = response.json().get("keys", [])
        kid = header.get("kid")
        candidates = [
            key
            for key in keys
            if (kid is None or key.get("kid") == kid)
            and key.get("use", "sig") == "sig"
            and key.get("alg", algorithm) == algorithm
        ]
        if len(candidates) != 1:
            raise IDTokenRejected(f"{what}: no single key of the JWKS for kid {kid!r} and {algorithm}")
        try:
            return jwt.PyJWK(candidates[0], algorithm=algorithm).key
        except jwt.PyJWTError as error:
            raise IDTokenRejected(f"{what}: unusable key ({error})") from error

    def userinfo(self, access_token: str, app, id_token: dict) -> dict:
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            claims = self.verify(response.text.strip(), app, what="userinfo")
        elif app.settings.get("signed_userinfo"):
            raise IDTokenRejected(f"userinfo not signed ({content_type or 'no content type'})")
        else:
            try:
                claims = response.json()
            except ValueError as error:
                raise IDTokenRejected("userinfo: not JSON") from error
        if not isinstance(claims, dict) or claims.get("sub") != id_token.get("sub"):
            raise IDTokenRejected("userinfo: not about the person of the ID token")
        return claims


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    package = "refectoire.www.oidc"  # our login, callback and logout-return views
    oauth2_adapter_class = OpenIDConnectAdapter
    # Logging in with an ID token obtained elsewhere would skip the nonce: not offered.
    supports_token_authentication = False

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        # Set last: a `nonce` slipped into the request's ?auth_params= never replaces ours, and the
        # acr_values of the settings are the ones asked (and checked on the way back).
        auth_params.update(self.get_auth_params())
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, oidc_nonce=nonce, **kwargs
        )

    def stash_redirect_state(
        self, request, process, next_url=None, data=None, state_id=None, oidc_nonce=None, **kwargs
    ):
        state_id = super().stash_redirect_state(request, process, next_url, data, state_id=state_id, **kwargs)
        if oidc_nonce:
            pending = dict(request.session.get(NONCE_SESSION_KEY, {}))
            pending[state_id] = oidc_nonce
            request.session[NONCE_SESSION_KEY] = dict(list(pending.items())[-MAX_PENDING_NONCES:])
        return state_id


def check_iss_parameter(request, openid_config: dict) -> None:
    """RFC 9207: the `iss` returned with the code names our provider (a mix-up otherwise)."""
    received = request.GET.get("iss")
    if received is None:
        if openid_config.get("authorization_response_iss_parameter_supported"):
            raise IDTokenRejected("iss parameter missing, though the provider sends it")
        return
    if not constant_time_compare(received, openid_config["issuer"]):
        raise IDTokenRejected(f"iss parameter {received!r} is not the issuer")


def pop_expected_nonce(request) -> str | None:
    """The nonce sent with the authorization request whose `state` came back, used once."""
    state_id = get_request_param(request, "state")
    pending = dict(request.session.get(NONCE_SESSION_KEY, {}))
    nonce = pending.pop(state_id, None) if state_id else None
    request.session[NONCE_SESSION_KEY] = pending
    return nonce


def check_nonce(request, id_token: dict | None) -> None:
    expected = pop_expected_nonce(request)
    received = (id_token or {}).get("nonce")
    if not expected or not isinstance(received, str) or not constant_time_compare(received, expected):
        raise IDTokenRejected("the ID token's nonce does not match the authorization request")


EIDAS_LEVEL = re.compile(r"^eidas([1-3])$")


def check_acr(auth_params: dict, id_token: dict) -> None:
    """The `acr` of the ID token is one of the `acr_values` asked, or a higher eIDAS level."""
    asked = str(auth_params.get("acr_values") or "").split()
    if not asked:
        return
    returned = id_token.get("acr")
    for value in asked:
        if returned == value:
            return
        asked_level, returned_level = EIDAS_LEVEL.match(value), EIDAS_LEVEL.match(str(returned))
        if asked_level and returned_level and returned_level.group(1) >= asked_level.group(1):
            return
    raise IDTokenRejected(f"acr {returned!r} does not meet {' '.join(asked)}")


# Logout: the provider's session ends with ours ------------------------------------------------


def keep_pending_login(request, *, provider_id: str, uid: str, id_token: str) -> None:
    """The ID token of a login not finished yet: on the request, and in the session for a login
    that goes on through another page (a second factor, a signup form)."""
    pending = {"provider_id": provider_id, "uid": uid, "id_token": id_token}
    request.refectoire_oidc_login = pending
    request.session[PENDING_LOGIN_SESSION_KEY] = pending


def login_completed(request, sociallogin=None) -> None:
    """Someone logged in (allauth's `user_logged_in`): after a provider login, its ID token is
    kept in their session, for the logout. Django may have flushed the session on the way (another
    person was logged in): the request still holds it."""
    pending = getattr(request, "refectoire_oidc_login", None) or request.session.get(
        PENDING_LOGIN_SESSION_KEY
    )
    request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
    if not pending or sociallogin is None:
        return
    if (sociallogin.account.provider, sociallogin.account.uid) == (pending["provider_id"], pending["uid"]):
        request.session[LOGIN_SESSION_KEY] = {
            "provider_id": pending["provider_id"],
            "id_token": pending["id_token"],
        }


def account_connected(request) -> None:
    """After the callback of a provider linked to the account already logged in (no new login)."""
    pending = getattr(request, "refectoire_oidc_login", None)
    if not pending or not request.user.is_authenticated:
        return  # nothing, or a login that goes on elsewhere (login_completed will see it)
    request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
    if LOGIN_SESSION_KEY not in request.session:
        request.session[LOGIN_SESSION_KEY] = {
            "provider_id": pending["provider_id"],
            "id_token": pending["id_token"],
        }


@dataclass
class EndSession:
    provider_id: str
    provider_name: str
    url: str
    state: str


def end_session_request(request) -> EndSession | None:
    """Where to send the browser so that the provider of this session's login ends its own
    session too, or None (no OpenID Connect login, or a provider without end_session_endpoint)."""
    login = request.session.get(LOGIN_SESSION_KEY)
    if not login:
        return None
    try:
        provider = get_adapter().get_provider(request, provider=login["provider_id"])
        endpoint = provider.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError, KeyError) as error:
        logger.warning("OpenID Connect logout: provider %s unreachable (%s)", login.get("provider_id"), error)
        return None
    if not endpoint:
        return None
    state = secrets.token_urlsafe(32)
    post_logout_redirect_uri = request.build_absolute_uri(
        reverse("openid_connect_logout_callback", kwargs={"provider_id": login["provider_id"]})
    )
    query = urlencode(
        {
            "id_token_hint": login["id_token"],
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    separator = "&" if "?" in endpoint else "?"
    return EndSession(login["provider_id"], provider.name, f"{endpoint}{separator}{query}", state)


def remember_logout(request, end_session: EndSession) -> None:
    """In the new, anonymous session: the `state` the provider must send back."""
    request.session[LOGOUT_SESSION_KEY] = {
        "provider_id": end_session.provider_id,
        "provider_name": end_session.provider_name,
        "state": end_session.state,
    }


def logout_returned(request, provider_id: str) -> str | None:
    """The name of the provider that came back from its end session endpoint with the `state`
    we sent, else None."""
    pending = request.session.pop(LOGOUT_SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if pending.get("provider_id") == provider_id and state and constant_time_compare(state, pending["state"]):
        return pending["provider_name"]
    return None
