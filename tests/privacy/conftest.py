import pytest

from tests.fakes.smtp import smtp_delivery, smtp_server  # noqa: F401  (fixtures)


@pytest.fixture
def mail_through_worker(settings, smtp_delivery):  # noqa: F811
    """Mail as in production: queued as a task (run at once here), delivered by SMTP to the fake."""
    settings.EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
    return smtp_delivery
