"""Mail goes through the task worker: a request only queues it, the worker delivers it.

`QueuedEmailBackend` is Django's EMAIL_BACKEND: it turns each message into its raw MIME bytes
and enqueues `deliver_email` (core/tasks.py); the worker hands them to MAIL_DELIVERY_BACKEND
(SMTP in production, the outbox table of core/delivery.py in the demo). Imports run one way:
mail.py -> tasks.py -> delivery.py.
"""

import base64

from django.core.mail.backends.base import BaseEmailBackend

from refectoire.core.tasks import deliver_email


def mail_subject(caisse_name: str, subject: str) -> str:
    """The one format of an e-mail's subject: « [Caisse des écoles Paris 11e] Objet »."""
    return f"[{caisse_name}] {subject}"


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
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
