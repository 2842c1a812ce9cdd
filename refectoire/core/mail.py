"""Mail goes through the task worker: a request only queues it, the worker delivers it.

`QueuedEmailBackend` is Django's EMAIL_BACKEND: it turns each message into its raw MIME bytes
and enqueues `deliver_email` (core/tasks.py); the worker hands them to MAIL_DELIVERY_BACKEND
(SMTP in production, the outbox table of core/delivery.py in the demo). Imports run one way:
mail.py -> tasks.py -> delivery.py.

A task that is itself the worker's and sends many messages (the e-mails of an issued period) hands
them to `send_batch`: delivered there and then over the worker's kept connection, not queued
again one task each.
"""

import base64
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from refectoire.core.delivery import deliver
from refectoire.core.tasks import deliver_email

logger = logging.getLogger(__name__)

# What an SMTP server answers about one message (a refused address, a refused content): the next
# messages can still go. Any other failure (no server, a dropped connection twice) stops the batch.
ONE_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


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


def send_batch(messages) -> int:
    """Send `messages` from a task the worker runs; how many were sent or queued.

    With the queued setup (EMAIL_BACKEND is `QueuedEmailBackend`) the messages are delivered here,
    one by one over the worker's kept connection (core/delivery.py), instead of one `deliver_email`
    task each. A message the server refuses is queued as its own task (it fails there, visible in
    the admin, or goes once the server accepts it); when the server cannot be reached, that message
    and every one after it are queued, untried: none is lost, none is sent twice. With another
    EMAIL_BACKEND (a direct SMTP, the tests' memory) that backend sends them all."""
    messages = [message for message in messages if message.recipients()]
    if not issubclass(import_string(settings.EMAIL_BACKEND), QueuedEmailBackend):
        return get_connection().send_messages(messages) if messages else 0
    queue = QueuedEmailBackend()
    count = 0
    for index, message in enumerate(messages):
        try:
            count += deliver(message)
        except ONE_MESSAGE_REFUSED as error:
            logger.warning("Message refused by the mail server, queued for a retry: %s", error)
            count += queue.send_messages([message])
        except OSError as error:  # no server, or the connection went: the rest waits in the queue
            logger.warning("Mail server unreachable, %s messages queued: %s", len(messages) - index, error)
            return count + queue.send_messages(messages[index:])
    return count
