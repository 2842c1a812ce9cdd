"""The settings a production server gets from an environment with only the required variables."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENVIRONMENT = {
    "SECRET_KEY": "a-production-secret",
    "ALLOWED_HOSTS": "portail.example.fr",
    "REFECTOIRE_BASE_URL": "https://portail.example.fr",
    "DJANGO_SETTINGS_MODULE": "refectoire.settings",
}


def production(expression: str, **extra_environment):
    """Evaluates `expression` in a fresh Python with the production settings (no demo, no tests)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REFECTOIRE_", "DJANGO_", "DATABASE_", "CACHE_"))
    }
    environment.update(PRODUCTION_ENVIRONMENT, **extra_environment)
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.contrib.auth.hashers import make_password; "
        f"print(json.dumps({expression}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_passwords_are_hashed_with_argon2():
    assert production("[settings.PASSWORD_HASHERS[0], make_password('Cantine2026').split('$')[0]]") == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "argon2",
    ]


def test_debug_is_off_and_cookies_and_hsts_are_secure():
    assert production(
        "[settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.DEV_OUTBOX]"
    ) == [False, True, True, 31536000, False]


def test_mail_is_queued_and_delivered_by_smtp_through_the_database_worker():
    assert production(
        "[settings.EMAIL_BACKEND, settings.MAIL_DELIVERY_BACKEND, settings.TASKS['default']['BACKEND']]"
    ) == [
        "refectoire.core.mail.QueuedEmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "django_tasks_db.DatabaseBackend",
    ]


def test_throttling_counters_live_in_a_shared_cache():
    assert (
        production("settings.CACHES['default']['BACKEND']") == "django.core.cache.backends.db.DatabaseCache"
    )
    assert (
        production("settings.CACHES['default']['BACKEND']", CACHE_URL="redis://cache.internal:6379/0")
        == "django.core.cache.backends.redis.RedisCache"
    )


def test_sessions_are_read_through_the_cache_only_where_every_process_shares_it():
    expression = "[settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]"
    assert production(expression) == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]
    assert production(expression, CACHE_URL="redis://cache.internal:6379/0") == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    # The demo runs two gunicorn processes and a worker: a cache in each one's memory would keep a
    # session alive after its logout in another process, and serve reference data another changed.
    assert production(expression, REFECTOIRE_DEMO="1") == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]


def test_static_files_keep_the_dsfr_integrity_hashes_valid():
    # A manifest storage rewrites url() in dsfr.min.css: its integrity="sha384-..." would fail.
    assert "Manifest" not in production("settings.STORAGES['staticfiles']['BACKEND']")


def test_a_missing_secret_key_stops_the_server():
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("REFECTOIRE_", "DJANGO_"))
    }
    environment.update(PRODUCTION_ENVIRONMENT)
    del environment["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required." in result.stderr


@pytest.mark.parametrize("value", ["peut-être", "2"])
def test_a_bad_boolean_stops_the_server(value):
    with pytest.raises(AssertionError, match="is not a boolean"):
        production("settings.DEBUG", DEBUG=value)
