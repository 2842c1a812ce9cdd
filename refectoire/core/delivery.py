"""The delivery side of queued mail: what the worker hands to MAIL_DELIVERY_BACKEND.

`deliver_raw` sends the raw MIME bytes a request queued (core/mail.py) through the delivery
backend: SMTP in production, `OutboxEmailBackend` (the outbox table, /dev/outbox/) in the demo.
"""

import email
from email import policy

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
        self.parsed = email.message_from_bytes(raw, policy=policy.SMTP)

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


def deliver_raw(*, raw: bytes, from_email: str, recipients: list[str]) -> int:
    connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
    return connection.send_messages([RawEmail(raw=raw, from_email=from_email, recipients=recipients)])


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
