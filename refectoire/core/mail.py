"""Mail goes through the task worker: a request only queues it, the worker delivers it.

`QueuedEmailBackend` is Django's EMAIL_BACKEND: it turns each message into its raw MIME bytes
and enqueues `deliver_email`; the worker hands them to MAIL_DELIVERY_BACKEND (SMTP in
production, the outbox table in the demo).
"""

import base64
import email
from contextlib import contextmanager
from email import policy

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.utils import translation


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


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from refectoire.core.tasks import deliver_email

        count = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            raw = message.message().as_bytes(linesep="\r\n")
            deliver_email.enqueue(
                raw_b64=base64.b64encode(raw).decode("ascii"),
                from_email=message.from_email,
                recipients=list(recipients),
            )
            count += 1
        return count


def deliver_raw(*, raw: bytes, from_email: str, recipients: list[str]) -> int:
    connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
    return connection.send_messages([RawEmail(raw=raw, from_email=from_email, recipients=recipients)])


class OutboxEmailBackend(BaseEmailBackend):
    """Demo delivery: keeps the messages in the database, readable at /dev/outbox/."""

    def send_messages(self, email_messages):
        from refectoire.core.models import OutboxEmail

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


# --- The language of an e-mail to a family (issue 19) ---------------------------------------------
# An e-mail is composed (gettext) before it is queued, so the text is written in the language active
# at that moment. A parent's own action runs in the parent's language (www/i18n.py); what an agent or
# the worker sends to a family is composed inside `in_language_of(recipients)`.


def recipients_language(recipients) -> str:
    """The language the accounts of these addresses chose; French when none chose or they differ."""
    from refectoire.accounts.models import User

    addresses = [address for address in recipients if address]
    if not addresses:
        return settings.LANGUAGE_CODE
    matching = Q()
    for address in addresses:
        matching |= Q(email__iexact=address)
    languages = {
        language or settings.LANGUAGE_CODE
        for language in User.objects.filter(matching).values_list("language", flat=True)
    }
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(recipients):
    with translation.override(recipients_language(recipients)):
        yield
