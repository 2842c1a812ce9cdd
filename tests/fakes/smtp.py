"""A real SMTP server on 127.0.0.1 (aiosmtpd), on a free port, that keeps what it receives.

Fixtures:
- `smtp_server`: the running server; `.host`, `.port`, `.messages` (parsed `email.message.EmailMessage`
  objects, in order of arrival), `.envelopes` (sender and recipients as given to RCPT TO), `.clear()`,
  `.refused` (addresses answered « 550 » at RCPT TO, as a server answers a mailbox that does not exist),
  `.sessions` (how many SMTP connections it was opened).
- `smtp_delivery`: `smtp_server`, with the settings that make the task worker deliver mail to it
  (MAIL_DELIVERY_BACKEND = Django's SMTP backend, EMAIL_HOST / EMAIL_PORT of the fake).
"""

import email
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from refectoire.core.delivery import close_all_delivery_connections, close_delivery_connection


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp_session, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_EHLO(self, smtp_session, session, envelope, hostname, responses):
        with self.server.lock:
            if not getattr(session, "counted", False):
                session.counted = True
                self.server.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, smtp_session, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self.server.lock:
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.server.messages.append(message)
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """aiosmtpd's Controller, listening on the port the system gives (port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class FakeSMTPServer:
    host = "127.0.0.1"

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: set[str] = set()
        self.sessions = 0
        self._controller = _FreePortController(_Handler(self), hostname=self.host, port=0)

    @property
    def port(self) -> int:
        return self._controller.port

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()
            self.refused.clear()
            self.sessions = 0

    @staticmethod
    def text_of(message) -> str:
        """The plain-text body of a received message."""
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_server():
    server = FakeSMTPServer().start()
    yield server
    # The delivery keeps one SMTP connection per thread: close them before their server goes.
    close_all_delivery_connections()
    server.stop()


@pytest.fixture
def smtp_delivery(settings, smtp_server):
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


@pytest.fixture
def queued_mail(settings, smtp_delivery):
    """The production path: QueuedEmailBackend → the database task queue → the worker → SMTP (the
    fake), each test starting and ending without a kept delivery connection."""
    settings.EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    close_delivery_connection()
    yield smtp_delivery
    close_delivery_connection()
