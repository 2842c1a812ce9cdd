"""A fake OpenID Connect provider on 127.0.0.1 ("Mon Paris", FranceConnect): the real protocol.

Discovery document, authorize endpoint (redirects back with `code` and `state`, keeps `nonce` and
the PKCE challenge), token endpoint (checks the client secret, the redirect URI and the PKCE verifier;
returns an RS256-signed id_token), JWKS and userinfo.

Fixture `oidc_provider`: the running provider. Set `oidc_provider.claims` to the person who will
"log in" at the provider, then use `oidc_provider.app_settings("monparis", "Mon Paris")` as an entry
of SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] (the same shape as settings._oidc_app builds).
`authorize_requests` and `token_requests` keep what our site sent, for assertions.

As FranceConnect does, `require_nonce = True` refuses an authorization request without a `nonce`
(400). `id_token_nonce` makes the ID token carry another nonce than the one received (a replayed or
forged token): a string replaces it, `None` leaves it out; the default returns the one received.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

RECEIVED = object()  # id_token_nonce: return the nonce of the authorization request


class FakeOIDCProvider:
    client_id = "refectoire-client"
    secret = "refectoire-secret"
    key_id = "fake-key-1"

    def __init__(self):
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
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
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.lock = threading.Lock()
        self.require_nonce = False
        self.id_token_nonce = RECEIVED
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                provider.handle(self, "GET")

            def do_POST(self):
                provider.handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # Configuration on our side --------------------------------------------------------------
    def app_settings(self, provider_id: str, name: str) -> dict:
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": self.client_id,
            "secret": self.secret,
            "settings": {
                "server_url": self.issuer,
                "token_auth_method": "client_secret_post",
                "scope": ["openid", "email", "profile", "birthdate"],
                "auth_params": {},
            },
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
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": ["openid", "email", "profile", "birthdate"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.key_id, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, b"unknown client or response type"
        if "openid" not in query.get("scope", "").split():
            return 400, {}, b"scope openid missing"
        if self.require_nonce and not query.get("nonce"):
            return 400, {}, b"nonce missing"
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "redirect_uri": query["redirect_uri"],
                "nonce": query.get("nonce"),
                "code_challenge": query.get("code_challenge"),
                "code_challenge_method": query.get("code_challenge_method", "plain"),
                "claims": dict(self.claims),
            }
        back = {"code": code}
        if "state" in query:
            back["state"] = query["state"]
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
        id_claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            **grant["claims"],
        }
        nonce = grant["nonce"] if self.id_token_nonce is RECEIVED else self.id_token_nonce
        if nonce:
            id_claims["nonce"] = nonce
        id_token = jwt.encode(id_claims, self.private_key, algorithm="RS256", headers={"kid": self.key_id})
        access_token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access_token] = grant["claims"]
        return self._json(
            200,
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token},
        )

    def userinfo(self, headers) -> tuple[int, dict, bytes]:
        authorization = headers.get("Authorization", "")
        claims = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if claims is None:
            return self._json(401, {"error": "invalid_token"})
        return self._json(200, claims)

    @staticmethod
    def _json(status: int, body: dict) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def handle(self, request: BaseHTTPRequestHandler, method: str):
        parts = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        form = {}
        if method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            form = {key: values[0] for key, values in parse_qs(request.rfile.read(length).decode()).items()}
        if parts.path == "/.well-known/openid-configuration":
            status, headers, body = self._json(200, self.discovery())
        elif parts.path == "/jwks":
            status, headers, body = self._json(200, self.jwks())
        elif parts.path == "/authorize":
            status, headers, body = self.authorize(query)
        elif parts.path == "/token" and method == "POST":
            status, headers, body = self.token(form, request.headers)
        elif parts.path == "/userinfo":
            status, headers, body = self.userinfo(request.headers)
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


def use_providers(settings, *apps):
    """Our site offers exactly `apps` (from `app_settings`), keeping the rest of the setting as
    settings.py builds it: our provider class (the nonce) and PKCE."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {**settings.SOCIALACCOUNT_PROVIDERS["openid_connect"], "APPS": list(apps)}
    }
