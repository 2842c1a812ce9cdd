"""/health/ (liveness) and /health/ready/ (readiness) for a load balancer."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from refectoire.core import health


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def task_row(*, status, enqueued_ago=0, started_ago=None, path="refectoire.core.tasks.deliver_email"):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        enqueued_at=now,
        started_at=now - datetime.timedelta(seconds=started_ago) if started_ago is not None else None,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        queue_name="default",
        backend_name="default",
        run_after=now - datetime.timedelta(seconds=enqueued_ago),
        priority=0,
    )


def enqueued_ago(row, seconds):
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_liveness_answers_without_the_database(client):
    response = client.get("/health/live/")  # no `db` fixture: any query would fail this test
    assert (response.status_code, response.content) == (200, b"ok")
    assert client.get("/health/").status_code == 200


def test_ready_when_the_database_answers_and_every_migration_is_applied(client, db, database_queue):
    task_row(status=TaskResultStatus.SUCCESSFUL, started_ago=5)
    response = client.get("/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["worker"]["ok"] is True
    assert 5 <= body["checks"]["worker"]["last_seen_seconds"] < 120
    assert body["checks"]["queue"] == {"ok": True, "depth": 0, "oldest_seconds": 0}
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_worker_not_seen_and_a_queue_that_waits_are_reported_without_taking_the_web_out(
    client, db, database_queue, settings
):
    settings.REFECTOIRE_WORKER_STALE_SECONDS = 120
    task_row(status=TaskResultStatus.SUCCESSFUL, started_ago=600)
    for _ in range(3):
        enqueued_ago(task_row(status=TaskResultStatus.READY), 900)
    response = client.get("/health/ready/")
    assert response.status_code == 200  # the pages still work: e-mails wait
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_seen_seconds"] >= 600
    assert body["checks"]["queue"]["ok"] is False
    assert body["checks"]["queue"]["oldest_seconds"] >= 900
    # A heartbeat is queued once, for a living but idle worker to show itself.
    heartbeats = DBTaskResult.objects.filter(task_path="refectoire.core.tasks.worker_heartbeat")
    assert heartbeats.count() == 1
    assert client.get("/health/ready/").json()["checks"]["queue"]["depth"] == 4
    assert heartbeats.count() == 1


def test_not_ready_while_a_migration_is_not_applied(client, db, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setattr(health, "_migrations_applied", False)
    MigrationRecorder.Migration.objects.filter(app="billing").order_by("-id").first().delete()
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 1}


def test_not_ready_when_the_database_does_not_answer(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the test database is cleaned
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
