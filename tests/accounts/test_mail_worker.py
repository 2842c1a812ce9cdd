"""Mail goes through the task worker: a request only queues it; `db_worker` delivers it by SMTP."""

import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.accounts.conftest import signup_data

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    """`manage.py db_worker --batch`: every waiting task, then exit."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_sending_a_mail_queues_a_task_and_the_worker_delivers_it_by_smtp(queued_mail):
    mail.send_mail("Objet accentué : été", "Corps du message, à bientôt.", None, ["parent@example.fr"])
    task = DBTaskResult.objects.get()
    assert task.task_path == "refectoire.core.tasks.deliver_email"
    assert task.status == "READY"
    assert queued_mail.messages == []
    run_worker()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert len(queued_mail.messages) == 1
    message = queued_mail.messages[0]
    assert message["Subject"] == "Objet accentué : été"
    assert message["To"] == "parent@example.fr"
    assert queued_mail.text_of(message).strip() == "Corps du message, à bientôt."
    assert queued_mail.envelopes == [("ne-pas-repondre@refectoire.localhost", ["parent@example.fr"])]


def test_the_activation_mail_of_a_signup_waits_for_the_worker(client, queued_mail, cde11, curl):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    response = client.post(curl(cde11, "account_signup"), signup_data())
    assert response.status_code == 302
    assert queued_mail.messages == []
    run_worker()
    assert len(queued_mail.messages) == 1
    body = queued_mail.text_of(queued_mail.messages[0])
    assert "/cde11/compte/confirm-email/" in body


def test_a_delivery_failure_leaves_the_task_failed_and_visible(settings, queued_mail):
    settings.EMAIL_PORT = 1  # nothing listens there
    mail.send_mail("Objet", "Corps", None, ["parent@example.fr"])
    run_worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    assert queued_mail.messages == []
