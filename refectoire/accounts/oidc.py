"""OpenID Connect ("Mon Paris", FranceConnect): allauth's provider, with the nonce.

allauth's `openid_connect` provider (65.x) sends `state` and PKCE but no `nonce`, and does not
look for one in the ID token. FranceConnect requires it: the authorization request carries a
random `nonce`, and the ID token must return the same value. This provider keeps the nonce of
each authorization request in the session, keyed by its `state`, and refuses an ID token whose
`nonce` is missing or different (the callback then fails like any other provider error).

Selected by `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]` in the settings.
"""

import secrets

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.utils import get_request_param
from django.utils.crypto import constant_time_compare

NONCE_SESSION_KEY = "refectoire_oidc_nonces"
MAX_PENDING_NONCES = 10  # as many as allauth keeps states


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    package = "allauth.socialaccount.providers.openid_connect"  # its URLs and views stay allauth's
    # Logging in with an ID token obtained elsewhere would skip the nonce: not offered.
    supports_token_authentication = False

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        # Set last: a `nonce` slipped into the request's ?auth_params= never replaces ours.
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

    def sociallogin_from_response(self, request, response):
        check_nonce(request, (response or {}).get("id_token"))
        return super().sociallogin_from_response(request, response)


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
        raise OAuth2Error("The ID token's nonce does not match the authorization request.")
