"""The e-mails of an issued period leave from the worker that builds them (core.mail.send_batch):
over one kept SMTP connection, not one queued task per e-mail; nothing lost when the server
refuses a message or cannot be reached."""

import pytest
from django_tasks_db.models import DBTaskResult

from refectoire.billing.tasks import send_invoice_emails
from refectoire.core.delivery import close_delivery_connection
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_mail(settings, smtp_delivery):
    """The production path: QueuedEmailBackend, the database task queue, SMTP (the fake)."""
    settings.EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    close_delivery_connection()
    yield smtp_delivery
    close_delivery_connection()


def issued(caisse, count):
    period = BillingPeriodFactory(caisse=caisse)
    invoices = []
    for index in range(count):
        household = HouseholdFactory(caisse=caisse)
        GuardianFactory(household=household, email=f"parent{index}@example.fr")
        invoices.append(InvoiceFactory(caisse=caisse, household=household, period=period, issued=True))
    return invoices


def queued_deliveries():
    return DBTaskResult.objects.filter(task_path="refectoire.core.tasks.deliver_email")


def test_the_e_mails_of_a_batch_leave_at_once_over_one_connection(cde11, queued_mail):
    invoices = issued(cde11, 5)
    assert send_invoice_emails.call([invoice.pk for invoice in invoices]) == 5
    assert queued_deliveries().count() == 0  # nothing waits for another turn of the worker
    assert queued_mail.sessions == 1
    received = {message["To"]: message for message in queued_mail.messages}
    assert sorted(received) == [f"parent{index}@example.fr" for index in range(5)]
    for index, invoice in enumerate(invoices):
        message = received[f"parent{index}@example.fr"]
        assert str(invoice.number) in message["Subject"]
        assert f"/cde11/mon-espace/factures/{invoice.uuid}/" in queued_mail.text_of(message)


def test_a_refused_address_is_queued_alone_and_the_others_go(cde11, queued_mail):
    invoices = issued(cde11, 4)
    queued_mail.refused.add("parent1@example.fr")
    assert send_invoice_emails.call([invoice.pk for invoice in invoices]) == 4
    assert sorted(message["To"] for message in queued_mail.messages) == [
        "parent0@example.fr",
        "parent2@example.fr",
        "parent3@example.fr",
    ]
    task = queued_deliveries().get()
    assert task.status == "READY"
    assert task.args_kwargs["kwargs"]["recipients"] == ["parent1@example.fr"]


def test_without_a_mail_server_every_e_mail_waits_in_the_queue_untried(cde11, queued_mail, settings):
    invoices = issued(cde11, 3)
    settings.EMAIL_PORT = 1  # nothing listens there
    assert send_invoice_emails.call([invoice.pk for invoice in invoices]) == 3
    assert queued_mail.messages == []
    tasks = list(queued_deliveries())
    assert len(tasks) == 3
    assert sorted(task.args_kwargs["kwargs"]["recipients"][0] for task in tasks) == [
        f"parent{index}@example.fr" for index in range(3)
    ]
