"""The delivery side of queued mail: what the worker hands to MAIL_DELIVERY_BACKEND.

`deliver_raw` sends the raw MIME bytes a request queued (core/mail.py) through the delivery
backend: SMTP in production, `OutboxEmailBackend` (the outbox table, /dev/outbox/) in the demo.
The worker keeps one open connection per thread and reuses it from message to message (no SMTP
handshake per e-mail); it is opened again when the settings change or the server dropped it.
"""

import email
import smtplib
import threading
import weakref
from email import policy
from functools import cached_property

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from refectoire.core.models import OutboxEmail


class RawEmail:
    """The smallest object Django's mail backends accept, built from raw MIME bytes."""

    encoding = "utf-8"

    def __init__(self, *, raw: bytes, from_email: str, recipients: list[str]):
        self.raw = raw
        self.from_email = from_email
        self._recipients = recipients

    @cached_property
    def parsed(self):
        # Only the subject and body of a backend that shows them (the demo's outbox) need it.
        return email.message_from_bytes(self.raw, policy=policy.SMTP)

    def recipients(self):
        return self._recipients

    def message(self):
        # Django's SMTP backend sends `message().as_bytes(linesep="\r\n")`: the raw bytes, as queued.
        return self

    def as_bytes(self, unixfrom=False, linesep="\r\n", **kwargs):
        raw = self.raw.replace(b"\r\n", b"\n")
        return raw.replace(b"\n", linesep.encode("ascii"))

    @property
    def subject(self):
        return str(self.parsed.get("Subject", ""))

    @property
    def to(self):
        return self._recipients

    @property
    def body(self):
        part = self.parsed.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


_open = threading.local()
_every = weakref.WeakSet()  # every thread's open connection, for close_all_delivery_connections()


def _settings_key() -> tuple:
    return (
        settings.MAIL_DELIVERY_BACKEND,
        getattr(settings, "EMAIL_HOST", None),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", None),
        getattr(settings, "EMAIL_USE_TLS", None),
        getattr(settings, "EMAIL_USE_SSL", None),
    )


def _connection(*, fresh: bool = False):
    """This thread's open delivery connection (opened now if none, if `fresh`, or if settings changed)."""
    key = _settings_key()
    current = getattr(_open, "connection", None)
    if current is not None and (fresh or _open.key != key):
        close_delivery_connection()
        current = None
    if current is None:
        current = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
        current.open()
        _open.connection, _open.key = current, key
        _every.add(current)
    return current


def close_delivery_connection() -> None:
    """Close this thread's delivery connection, if any (the worker may call it when idle)."""
    current = getattr(_open, "connection", None)
    _open.connection = None
    if current is not None:
        try:
            current.close()
        except Exception:  # noqa: BLE001 — a connection already gone closes silently
            pass


def close_all_delivery_connections() -> None:
    """Close the delivery connections of every thread (at shutdown, or when an SMTP server goes)."""
    for connection in list(_every):
        _every.discard(connection)
        try:
            connection.close()
        except Exception:  # noqa: BLE001 — a connection already gone closes silently
            pass


def deliver(message) -> int:
    """Send one message (a Django `EmailMessage` or a `RawEmail`) over this thread's kept connection."""
    try:
        return _connection().send_messages([message])
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        # The kept connection was dropped by the server (idle time-out, restart): once more, afresh.
        return _connection(fresh=True).send_messages([message])


def deliver_raw(*, raw: bytes, from_email: str, recipients: list[str]) -> int:
    return deliver(RawEmail(raw=raw, from_email=from_email, recipients=recipients))


class OutboxEmailBackend(BaseEmailBackend):
    """Demo delivery: keeps the messages in the database, readable at /dev/outbox/."""

    def send_messages(self, email_messages):
        for message in email_messages:
            raw = message.message().as_bytes()
            parsed = email.message_from_bytes(raw, policy=policy.default)
            part = parsed.get_body(preferencelist=("plain", "html"))
            OutboxEmail.objects.create(
                subject=str(parsed.get("Subject", "")),
                from_email=message.from_email,
                to=", ".join(message.recipients()),
                body=part.get_content() if part is not None else "",
                raw=raw,
            )
        return len(email_messages)
