"""Réfectoire settings: everything is read from the environment (see the table in README.md)."""

import importlib.util
from pathlib import Path

import dj_database_url

from refectoire.env import envbool, envchoice, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("REFECTOIRE_VAR_DIR", str(BASE_DIR / "var")))

# Demo mode (./dev demo) and the test suite get safe local defaults; production gets none.
DEMO = envbool("REFECTOIRE_DEMO", False)
TESTING = envbool("REFECTOIRE_TESTING", False)
LOCAL = DEMO or TESTING

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "insecure-local-key-for-demo-and-tests-only" if LOCAL else None)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Fernet keys (comma-separated, the first encrypts) of the IBANs of SEPA mandates; demo and tests
# get a local key, production must set its own (refectoire/directdebit/fields.py).
IBAN_ENCRYPTION_KEYS = envlist(
    "REFECTOIRE_IBAN_KEYS", ["cmVmZWN0b2lyZS1kZW1vLWFuZC10ZXN0cy1vbmx5ISE="] if LOCAL else []
)
# Absolute address of the site, used in e-mails and PDFs sent outside of a request.
BASE_URL = envstr("REFECTOIRE_BASE_URL", "http://127.0.0.1:8000" if LOCAL else None).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    # django-ninja: the partners' API; installed for its templates and the Swagger files it ships
    "ninja",
    # Réfectoire, domain apps
    "refectoire.core",
    "refectoire.caisses",
    "refectoire.accounts",
    "refectoire.messaging",
    "refectoire.households",
    "refectoire.schools",
    "refectoire.pricing",
    "refectoire.enrollment",
    "refectoire.menus",
    "refectoire.documents",
    "refectoire.billing",
    "refectoire.payments",
    "refectoire.directdebit",
    "refectoire.requests",
    "refectoire.stays",
    "refectoire.adultmeals",
    "refectoire.partners",
    "refectoire.privacy",
    # Réfectoire, the demo data (its steps run in the order of refectoire/demo/steps.py)
    "refectoire.demo",
    # Réfectoire, screens
    "refectoire.www.public",
    "refectoire.www.portal",
    "refectoire.www.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "refectoire.core.middleware.ContentSecurityPolicyMiddleware",
    "refectoire.caisses.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "refectoire.caisses.middleware.CaisseMiddleware",
    "refectoire.www.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "refectoire.www.i18n.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "refectoire.urls"
# URLs of a Caisse, below its slug ("/cde11/..."): see caisses/middleware.py.
CAISSE_URLCONF = "refectoire.urls_caisse"
WSGI_APPLICATION = "refectoire.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "refectoire" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "refectoire.www.context_processors.canteen_staff",  # first: it reads both roles at once
                "refectoire.caisses.context_processors.caisse",
                "refectoire.caisses.context_processors.theme",
            ],
            # `{{ amount|euros }}` everywhere without a load: one money formatter.
            "builtins": ["refectoire.core.templatetags.money"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: a SQLite file under var/ by default (WAL mode), or DATABASE_URL (postgres://...).
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'refectoire.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": envstr("REFECTOIRE_SQLITE_TEST_NAME", "") or None}
elif envbool("DATABASE_POOL", False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DATABASE_POOL_MIN_SIZE", 2),
        "max_size": envint("DATABASE_POOL_MAX_SIZE", 10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: throttling counters live here, so several processes must share it.
# The demo runs two gunicorn processes and a worker: they share the database cache; only the
# tests (one process) keep theirs in memory.
CACHE_URL = envstr("CACHE_URL", "locmem://" if TESTING else "db://")
if CACHE_URL.startswith("redis://") or CACHE_URL.startswith("rediss://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "db://":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"}
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://..., db:// or locmem://")

# The partners' API (/<caisse>/api/v1/): calls a token may make per minute, then 429 with Retry-After;
# the open data (tariffs without a token) are limited the same way per client address.
API_RATE_PER_MINUTE = envint("REFECTOIRE_API_RATE_PER_MINUTE", 120)
# Days the log of the API's calls (partners.ApiCall) is kept; `purge_api_calls`, nightly, deletes older rows.
API_CALL_RETENTION_DAYS = envint("REFECTOIRE_API_CALL_RETENTION_DAYS", 90)

# Sessions in the database, read through the cache when the cache is shared and not itself in the
# database (Redis), or local to the one process of the tests: a page then reads no session row
# (issue 16). Never through a per-process cache of several processes (the demo runs three): a
# logout in one would leave the session alive in another's memory.
SESSION_ENGINE = envchoice(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL.startswith(("redis://", "rediss://")) or (TESTING and CACHE_URL == "locmem://")
    else "django.contrib.sessions.backends.db",
    {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
    },
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "refectoire.accounts.validators.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

# django-allauth: accounts of parents and agents
ACCOUNT_ADAPTER = "refectoire.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "refectoire.accounts.adapter.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = envint("ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", 3)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {
    "signup": "refectoire.accounts.forms.SignupForm",
    "login": "refectoire.accounts.forms.LoginForm",
    "reset_password": "refectoire.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "refectoire.accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Identifiers are stored in capitals (G4V-RNG6P) and found whatever the case typed.
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_RATE_LIMITS = {
    # 5 failed attempts for one account (its identifier and its e-mail together), then a pause
    # of 15 minutes; per client address (see ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy).
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/15m/key",
    "confirm_email": "3/15m/key",
    "reset_password": "20/m/ip,5/15m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "public:welcome"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Réfectoire"
# "required": an agent must set up TOTP before reaching the back office; "optional": offered.
AGENT_MFA = envchoice("REFECTOIRE_AGENT_MFA", "optional", {"optional", "required"})


def _oidc_app(
    provider_id: str, name: str, prefix: str, acr_values: str = "", signed_userinfo: bool = False
) -> dict | None:
    """An OpenID Connect provider configured by REFECTOIRE_OIDC_<PREFIX>_* variables.

    `signed_userinfo`: the provider signs its userinfo (FranceConnect v2); an unsigned one is refused.
    """
    issuer = envstr(f"REFECTOIRE_OIDC_{prefix}_ISSUER", "")
    if not issuer:
        return None
    acr_values = envstr(f"REFECTOIRE_OIDC_{prefix}_ACR_VALUES", acr_values)
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": envstr(f"REFECTOIRE_OIDC_{prefix}_CLIENT_ID"),
        "secret": envstr(f"REFECTOIRE_OIDC_{prefix}_SECRET"),
        "settings": {
            "server_url": issuer,
            "token_auth_method": envstr(f"REFECTOIRE_OIDC_{prefix}_TOKEN_AUTH_METHOD", "client_secret_post"),
            "scope": envlist(f"REFECTOIRE_OIDC_{prefix}_SCOPES", ["openid", "email", "profile"]),
            "auth_params": {"acr_values": acr_values} if acr_values else {},
            "signed_userinfo": signed_userinfo,
        },
    }


OIDC_APPS = [
    app
    for app in (
        _oidc_app("monparis", "Mon Paris", "MONPARIS"),
        # FranceConnect v2: the authorization request asks for the eIDAS level, "eidas1" (low);
        # its ID token and userinfo are both signed JWTs (ES256 or RS256).
        _oidc_app(
            "franceconnect", "FranceConnect", "FRANCECONNECT", acr_values="eidas1", signed_userinfo=True
        ),
    )
    if app
]
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": OIDC_APPS,
        "OAUTH_PKCE_ENABLED": True,
        # allauth's provider plus the checks it skips: nonce, ID token signature against the JWKS,
        # `iss` parameter, acr, signed userinfo; logout ends the provider's session (accounts/oidc.py).
        "provider_class": "refectoire.accounts.oidc.OpenIDConnectProvider",
    }
}

# Background work: django-tasks, database backend, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": envstr("REFECTOIRE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# /health/ready/: a worker not seen for this long, a task waiting this long, are reported (not ok).
REFECTOIRE_WORKER_STALE_SECONDS = envint("REFECTOIRE_WORKER_STALE_SECONDS", 120)
REFECTOIRE_QUEUE_MAX_WAIT_SECONDS = envint("REFECTOIRE_QUEUE_MAX_WAIT_SECONDS", 300)

# Mail: every message is queued as a task; the worker delivers it with MAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
MAIL_DELIVERY_BACKEND = envstr(
    "REFECTOIRE_MAIL_DELIVERY_BACKEND",
    "refectoire.core.delivery.OutboxEmailBackend" if DEMO else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Réfectoire <ne-pas-repondre@refectoire.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox page /dev/outbox/ (demo and DEBUG only).
DEV_OUTBOX = DEMO or DEBUG

LANGUAGE_CODE = "fr"
# French is the default and the language of legal documents; the parent pages and the e-mails to
# families are offered in English and Arabic (right to left). Each name is written in its own language.
# The language comes from the account, then the cookie, never from the browser's Accept-Language
# (refectoire/www/i18n.py): a family chooses it with the selector in the header.
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LANGUAGE_COOKIE_NAME = "refectoire_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "refectoire" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
# The DSFR's components come from the django-dsfr package, but not as an installed app: its static
# files carry the State's identity (Marianne font, logos). Its stylesheets and scripts are served
# processed from refectoire/static/dsfr/ (manage.py vendor_dsfr), and only its icons as they are.
STATICFILES_DIRS = [
    BASE_DIR / "refectoire" / "static",
    ("dsfr/dist/icons", str(Path(importlib.util.find_spec("dsfr").origin).parent / "static/dsfr/dist/icons")),
]
STORAGES = {
    # Uploads are private: stored outside the static files, served only by permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": envstr("MEDIA_ROOT", str(VAR_DIR / "private")), "base_url": None},
    },
    # Compressed, not hashed (the DSFR stylesheets, once loaded with integrity="sha384-...", are now
    # served processed without it: see docs/design.md; hashing is possible but not yet chosen).
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: safe by default; the demo on http://127.0.0.1 relaxes what https needs.
SECURE_HTTPS = envbool("REFECTOIRE_HTTPS", not LOCAL)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # load balancers probe over plain HTTP
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# The client's address for the limits on logins: behind the proxy every request comes from the
# proxy, so the address is read from X-Forwarded-For, as many proxies from the right as trusted
# (or from one header the proxy sets, such as X-Real-IP). Never trust it without a proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("ALLAUTH_TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = envstr("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "") or None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = envstr(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self' {form_origins}",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
