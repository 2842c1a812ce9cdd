"""A fake OpenID Connect provider on 127.0.0.1 ("Mon Paris", FranceConnect v2): the real protocol.

Discovery document, authorize endpoint, token endpoint (checks the client secret, the redirect URI
and the PKCE verifier; returns a signed ID token), JWKS (an RSA and an ES256 key), userinfo and
end session endpoint.

The provider keeps a session of its own, in a cookie of its browser: the first authorization
request of a browser shows the provider's login page (« Me connecter chez … »); the next ones
come straight back with a code for the person already logged in there, as a real provider does.
The end session endpoint (`id_token_hint`, `state`, `post_logout_redirect_uri`) ends that session,
so the next authorization request asks again.

Two flavours:
- `FakeOIDCProvider()` speaks like Mon Paris: RS256 ID token carrying the person's claims, JSON
  userinfo;
- `FakeOIDCProvider(franceconnect=True)` speaks FranceConnect v2: ES256 ID token carrying only the
  protocol's claims (`acr` included), userinfo as an ES256-signed JWT (`application/jwt`), and it
  refuses an authorization request without `nonce` or without `acr_values`.

Fixtures `oidc_provider` (Mon Paris) and `franceconnect_provider`. Set `provider.claims` to the
person who will log in at the provider, then use `provider.app_settings("monparis", "Mon Paris")`
as an entry of SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] (the shape settings._oidc_app
builds). `authorize_requests`, `token_requests`, `logout_requests` and `login_pages` keep what our
site sent, for assertions. `sign_in(browser, authorize_url)` plays the person at the provider in
tests without chromium (a `requests.Session` is the browser).

Knobs for the refusals our site must make:
- `require_nonce`: an authorization request without `nonce` gets 400 (FranceConnect does);
- `id_token_nonce`: a string replaces the nonce received, `None` leaves it out;
- `id_token_overrides`: claims replaced in the ID token (`iss`, `aud`, `exp`, …; `None` removes);
- `unknown_key_for`: {"id_token"} / {"userinfo"}: signed by a key the JWKS does not hold;
- `callback_iss`: the `iss` parameter of the redirect back (`None` leaves it out);
- `authorize_error`: (error, error_description) sent back instead of a code;
- `post_logout_redirect_uris`: the registered addresses (None: any is accepted);
- `algorithm`: "RS256", "ES256", or "HS256" (signed with the client secret, FranceConnect v1).
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

RECEIVED = object()  # id_token_nonce / callback_iss: the value the protocol expects


class FakeOIDCProvider:
    client_id = "refectoire-client"
    secret = "refectoire-secret-of-the-fake-provider"  # 32 bytes at least: HS256 needs it

    def __init__(self, *, franceconnect: bool = False):
        self.franceconnect = franceconnect
        self.algorithm = "ES256" if franceconnect else "RS256"
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.claims = {
            "sub": "sub-0001",
            "given_name": "Camille",
            "family_name": "Martin",
            "birthdate": "1984-02-29",
            "email": "camille.martin@example.fr",
            "email_verified": True,
        }
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}  # the provider's own sessions: cookie → claims
        self.pending: dict[str, dict] = {}  # authorization requests waiting on the login page
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self.login_pages: list[dict] = []  # authorization requests answered by the login page
        self.lock = threading.Lock()
        self.require_nonce = franceconnect
        self.require_acr_values = franceconnect
        self.id_token_nonce = RECEIVED
        self.id_token_overrides: dict = {}
        self.unknown_key_for: set[str] = set()
        self.callback_iss = RECEIVED
        self.authorize_error: tuple[str, str] | None = None
        self.post_logout_redirect_uris: list[str] | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                provider.handle(self, "GET")

            def do_POST(self):
                provider.handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.httpd.server_address[1]
        self.issuer = f"http://127.0.0.1:{port}"
        # Cookies do not tell ports apart: each fake provider has a cookie name of its own.
        self.cookie_name = f"fake_op_{port}"
        self.display_name = "FranceConnect" if franceconnect else "Mon Paris"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # Configuration on our side --------------------------------------------------------------
    def app_settings(self, provider_id: str, name: str) -> dict:
        settings = {
            "server_url": self.issuer,
            "token_auth_method": "client_secret_post",
            "scope": ["openid", "email", "profile", "birthdate"],
            "auth_params": {},
        }
        if self.franceconnect:
            settings["scope"] = ["openid", "email", "given_name", "family_name", "birthdate"]
            settings["auth_params"] = {"acr_values": "eidas1"}
            settings["signed_userinfo"] = True
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": self.client_id,
            "secret": self.secret,
            "settings": settings,
        }

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # The protocol ---------------------------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": ["openid", "email", "profile", "given_name", "family_name", "birthdate"],
            "acr_values_supported": ["eidas1", "eidas2", "eidas3"],
            "authorization_response_iss_parameter_supported": True,
        }

    def jwks(self) -> dict:
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        rsa_jwk.update({"kid": "rsa-1", "use": "sig", "alg": "RS256"})
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec_key.public_key()))
        ec_jwk.update({"kid": "ec-1", "use": "sig", "alg": "ES256"})
        return {"keys": [rsa_jwk, ec_jwk]}

    def sign(self, claims: dict, what: str) -> str:
        """A JWT of `claims`, signed with the provider's key (or one it does not publish)."""
        if self.algorithm == "HS256":  # FranceConnect v1's way, with the client secret
            return jwt.encode(claims, self.secret, algorithm="HS256")
        if self.algorithm == "ES256":
            key, kid = self.ec_key, "ec-1"
            if what in self.unknown_key_for:
                key = ec.generate_private_key(ec.SECP256R1())
        else:
            key, kid = self.rsa_key, "rsa-1"
            if what in self.unknown_key_for:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, key, algorithm=self.algorithm, headers={"kid": kid})

    def authorize(self, query: dict, cookies: SimpleCookie) -> tuple[int, dict, bytes]:
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, b"unknown client or response type"
        if not query.get("redirect_uri"):
            return 400, {}, b"redirect_uri missing"
        if "openid" not in query.get("scope", "").split():
            return 400, {}, b"scope openid missing"
        if self.require_nonce and not query.get("nonce"):
            return 400, {}, b"nonce missing"
        if self.require_acr_values and not query.get("acr_values"):
            return 400, {}, b"acr_values missing"
        if self.authorize_error:
            error, description = self.authorize_error
            return self._back(query, {"error": error, "error_description": description})
        session = cookies.get(self.cookie_name)
        with self.lock:
            claims = self.sessions.get(session.value) if session else None
        if claims is None:
            return self.login_page(query)
        return self._back(query, {"code": self._code(query, claims)})

    def login_page(self, query: dict) -> tuple[int, dict, bytes]:
        self.login_pages.append(query)
        pending = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[pending] = query
        name = html.escape(self.display_name)
        body = (
            f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Connexion – {name}</title>'
            f"</head><body><main><h1>Connexion à {name}</h1><p>Compte : {html.escape(self.claims['email'])}</p>"
            f'<form method="post" action="/authorize/login"><input type="hidden" name="pending" value="{pending}">'
            f'<button type="submit">Me connecter chez {name}</button></form></main></body></html>'
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def log_in(self, form: dict) -> tuple[int, dict, bytes]:
        with self.lock:
            query = self.pending.pop(form.get("pending", ""), None)
        if query is None:
            return 400, {}, b"unknown login"
        session = secrets.token_urlsafe(16)
        claims = dict(self.claims)
        with self.lock:
            self.sessions[session] = claims
        status, headers, body = self._back(query, {"code": self._code(query, claims)})
        headers["Set-Cookie"] = f"{self.cookie_name}={session}; Path=/; HttpOnly"
        return status, headers, body

    def _code(self, query: dict, claims: dict) -> str:
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "redirect_uri": query["redirect_uri"],
                "nonce": query.get("nonce"),
                "acr_values": query.get("acr_values"),
                "code_challenge": query.get("code_challenge"),
                "code_challenge_method": query.get("code_challenge_method", "plain"),
                "claims": dict(claims),
            }
        return code

    def _back(self, query: dict, params: dict) -> tuple[int, dict, bytes]:
        back = dict(params)
        if "state" in query:
            back["state"] = query["state"]
        iss = self.issuer if self.callback_iss is RECEIVED else self.callback_iss
        if iss is not None:
            back["iss"] = iss
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return 302, {"Location": query["redirect_uri"] + separator + urlencode(back)}, b""

    def token(self, form: dict, headers) -> tuple[int, dict, bytes]:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        authorization = headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if (client_id, secret) != (self.client_id, self.secret):
            return self._json(401, {"error": "invalid_client"})
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code serves once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._json(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        if grant["code_challenge"]:
            verifier = form.get("code_verifier", "")
            if grant["code_challenge_method"] == "S256":
                digest = hashlib.sha256(verifier.encode()).digest()
                computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            else:
                computed = verifier
            if computed != grant["code_challenge"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        # FranceConnect v2's ID token says who and how; the person's claims come from userinfo.
        person = {"sub": grant["claims"]["sub"]} if self.franceconnect else grant["claims"]
        id_claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 60, **person}
        if grant["acr_values"]:
            id_claims["acr"] = grant["acr_values"].split()[0]
        nonce = grant["nonce"] if self.id_token_nonce is RECEIVED else self.id_token_nonce
        if nonce:
            id_claims["nonce"] = nonce
        for claim, value in self.id_token_overrides.items():
            if value is None:
                id_claims.pop(claim, None)
            else:
                id_claims[claim] = value
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access_token] = grant["claims"]
        return self._json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": self.sign(id_claims, "id_token"),
            },
        )

    def userinfo(self, headers) -> tuple[int, dict, bytes]:
        authorization = headers.get("Authorization", "")
        claims = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if claims is None:
            return self._json(401, {"error": "invalid_token"})
        if not self.franceconnect:
            return self._json(200, claims)
        now = int(time.time())
        signed = self.sign({"iss": self.issuer, "aud": self.client_id, "iat": now, **claims}, "userinfo")
        return 200, {"Content-Type": "application/jwt"}, signed.encode()

    def end_session(self, query: dict, cookies: SimpleCookie) -> tuple[int, dict, bytes]:
        self.logout_requests.append(query)
        try:
            hint = jwt.decode(
                query.get("id_token_hint", ""),
                key=self.ec_key.public_key() if self.algorithm == "ES256" else self.rsa_key.public_key(),
                algorithms=[self.algorithm],
                audience=self.client_id,
                issuer=self.issuer,
                options={"verify_exp": False},
            )
        except jwt.PyJWTError:
            return 400, {}, b"id_token_hint missing or invalid"
        redirect_uri = query.get("post_logout_redirect_uri")
        if redirect_uri and self.post_logout_redirect_uris is not None:
            if redirect_uri not in self.post_logout_redirect_uris:
                return 400, {}, b"post_logout_redirect_uri not registered"
        session = cookies.get(self.cookie_name)
        with self.lock:
            if session and self.sessions.get(session.value, {}).get("sub") == hint.get("sub"):
                del self.sessions[session.value]
        headers = {"Set-Cookie": f"{self.cookie_name}=; Path=/; Max-Age=0"}
        if not redirect_uri:
            headers["Content-Type"] = "text/html; charset=utf-8"
            return 200, headers, "<!doctype html><title>Déconnecté</title><p>Vous êtes déconnecté.".encode()
        back = {"state": query["state"]} if "state" in query else {}
        separator = "&" if "?" in redirect_uri else "?"
        headers["Location"] = redirect_uri + (separator + urlencode(back) if back else "")
        return 302, headers, b""

    @staticmethod
    def _json(status: int, body: dict) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def handle(self, request: BaseHTTPRequestHandler, method: str):
        parts = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        cookies = SimpleCookie(request.headers.get("Cookie", ""))
        form = {}
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            form = {key: values[0] for key, values in parse_qs(request.rfile.read(length).decode()).items()}
        if parts.path == "/.well-known/openid-configuration":
            status, headers, body = self._json(200, self.discovery())
        elif parts.path == "/jwks":
            status, headers, body = self._json(200, self.jwks())
        elif parts.path == "/authorize":
            status, headers, body = self.authorize(query, cookies)
        elif parts.path == "/authorize/login" and method == "POST":
            status, headers, body = self.log_in(form)
        elif parts.path == "/token" and method == "POST":
            status, headers, body = self.token(form, request.headers)
        elif parts.path == "/userinfo":
            status, headers, body = self.userinfo(request.headers)
        elif parts.path == "/session/end":
            status, headers, body = self.end_session(query, cookies)
        else:
            status, headers, body = 404, {}, b"not found"
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


@pytest.fixture
def oidc_provider():
    provider = FakeOIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def franceconnect_provider():
    provider = FakeOIDCProvider(franceconnect=True).start()
    yield provider
    provider.stop()


def sign_in(browser: requests.Session, authorize_url: str) -> str:
    """The person at a fake provider, without chromium: follows `authorize_url` in `browser` (a
    `requests.Session` keeps the provider's cookie), logging in on the provider's page if it asks;
    returns the address the provider sends the browser back to."""
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    if response.status_code == 200 and 'name="pending"' in response.text:
        pending = response.text.split('name="pending" value="', 1)[1].split('"', 1)[0]
        origin = "/".join(authorize_url.split("/", 3)[:3])
        response = browser.post(
            f"{origin}/authorize/login", data={"pending": pending}, allow_redirects=False, timeout=10
        )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def use_providers(settings, *apps):
    """Our site offers exactly `apps` (from `app_settings`), keeping the rest of the setting as
    settings.py builds it: our provider class (the checks) and PKCE."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {**settings.SOCIALACCOUNT_PROVIDERS["openid_connect"], "APPS": list(apps)}
    }
