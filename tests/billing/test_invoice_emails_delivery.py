"""The e-mails of an issued period, and the reminders, leave from the worker that builds them
(core.mail.send_batch): over one kept SMTP connection, not one queued task per e-mail; nothing lost
when the server refuses a message or cannot be reached."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from refectoire.billing.services import invoices_send_reminders
from refectoire.billing.tasks import send_invoice_emails
from tests.billing.adults import issued_adult_invoice, teacher_and_registration
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory, another_period
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


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


def late_family(caisse, index, *, invoices=1, language="fr"):
    household = HouseholdFactory(caisse=caisse)
    user = UserFactory(email=f"famille{index}@example.fr", language=language)
    GuardianFactory(household=household, user=user, email="")
    late = datetime.date(2020, 1, 31)
    return [
        InvoiceFactory(
            caisse=caisse,
            household=household,
            issued=True,
            due_date=late,
            **({"period": another_period(caisse, month=month)} if month > 1 else {}),
        )
        for month in range(1, invoices + 1)
    ]


def test_the_reminders_are_built_in_bulk_and_leave_over_one_connection(
    cde11, cde19, agent_cde11, queued_mail, django_capture_on_commit_callbacks
):
    families = [late_family(cde11, index, invoices=1 + index % 2) for index in range(6)]
    late_family(cde11, 6, language="en")
    late_family(cde19, 7)  # another Caisse's late family: not reminded by cde11
    registration = teacher_and_registration(cde11, agent_cde11)[1]
    for number, month in ((99960, 5), (99961, 6)):
        issued_adult_invoice(
            cde11,
            registration,
            number=number,
            due_date=datetime.date(2020, 1, 31),
            period=another_period(cde11, month=month),
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert invoices_send_reminders(caisse=cde11, actor=agent_cde11) == 8
    for callback in callbacks:
        callback()
    [families_task, adults_task] = DBTaskResult.objects.filter(
        task_path="refectoire.billing.tasks.send_reminder_emails"
    ).order_by("enqueued_at", "id")
    assert len(families_task.args_kwargs["args"][1]) == 7 and families_task.args_kwargs["args"][2] == []
    assert adults_task.args_kwargs["args"][1:] == [[], [registration.user_id]]

    from refectoire.billing.tasks import send_reminder_emails

    with CaptureQueriesContext(connection) as read:
        sent = send_reminder_emails.call(*families_task.args_kwargs["args"])
    assert sent == 7
    assert len(read) <= 5  # the Caisse, the invoices, their guardians, the recipients' languages
    assert send_reminder_emails.call(*adults_task.args_kwargs["args"]) == 1
    assert DBTaskResult.objects.filter(task_path="refectoire.core.tasks.deliver_email").count() == 0
    assert queued_mail.sessions == 1
    received = {message["To"]: queued_mail.text_of(message) for message in queued_mail.messages}
    subjects = {message["To"]: " ".join(message["Subject"].split()) for message in queued_mail.messages}
    assert subjects["famille6@example.fr"] == "[Caisse des écoles Paris 11e] Reminder: unpaid invoices"
    assert subjects["famille0@example.fr"] == "[Caisse des écoles Paris 11e] Relance : factures impayées"
    assert "famille7@example.fr" not in received  # the neighbour of cde19
    for index, invoices in enumerate(families):
        text = received[f"famille{index}@example.fr"]
        assert all(f"Restauration {invoice.number} " in text for invoice in invoices)
        others = [invoice for found in families if found is not invoices for invoice in found]
        assert not any(f"Restauration {invoice.number} " in text for invoice in others)
        assert "/cde11/mon-espace/factures/" in text
    adult_text = received[registration.user.email]
    assert adult_text.index("99960") < adult_text.index("99961")  # an adult's, oldest first
    assert "/cde11/mon-espace/restauration-adulte/" in adult_text
