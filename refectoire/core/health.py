"""What a load balancer and a monitoring probe ask: is this process alive, is it ready to serve?

Liveness is the process answering at all (no database). Readiness checks what a request needs
(the database reachable, every migration applied) and reports what the installation needs to
work as a whole (a task worker seen recently, the queue of waiting tasks). See docs/deploy.md.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from refectoire.core.tasks import worker_heartbeat

_migrations_applied = False  # once true for this process's code, it stays true


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True}


def check_migrations() -> dict:
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True, "pending": 0}
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    _migrations_applied = pending == 0
    return {"ok": pending == 0, "pending": pending}


def _uses_database_queue() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def check_tasks(now: datetime.datetime | None = None) -> dict:
    """The worker (last task it started) and the queue (tasks ready to run and how long the oldest waits).

    An idle worker starts nothing: when it has not been seen for half the allowed time and no
    heartbeat is waiting, a heartbeat task is queued, which a living worker runs within seconds.
    """
    if not _uses_database_queue():
        return {"worker": {"ok": True, "queue": "immediate"}, "queue": {"ok": True, "depth": 0}}

    now = now or timezone.now()
    stale_after = settings.REFECTOIRE_WORKER_STALE_SECONDS
    max_wait = settings.REFECTOIRE_QUEUE_MAX_WAIT_SECONDS
    try:
        last_seen = DBTaskResult.objects.aggregate(seen=Max("started_at"))["seen"]
        ready = DBTaskResult.objects.ready()  # READY and due (django_tasks_db's own reading)
        depth = ready.count()
        oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
        seen_seconds = int((now - last_seen).total_seconds()) if last_seen else None
        heartbeat_waiting = ready.filter(task_path=worker_heartbeat.module_path).exists()
        if (seen_seconds is None or seen_seconds > stale_after / 2) and not heartbeat_waiting:
            worker_heartbeat.enqueue()
    except DatabaseError as error:
        return {"worker": {"ok": False, "error": error.__class__.__name__}, "queue": {"ok": False}}
    oldest_seconds = int((now - oldest).total_seconds()) if oldest else 0
    return {
        "worker": {
            "ok": seen_seconds is not None and seen_seconds <= stale_after,
            "last_seen_seconds": seen_seconds,
        },
        "queue": {"ok": oldest_seconds <= max_wait, "depth": depth, "oldest_seconds": oldest_seconds},
    }


def readiness() -> tuple[bool, dict]:
    """(ready to serve requests, every check). Only the database and the migrations decide `ready`."""
    checks = {"database": check_database()}
    checks["migrations"] = check_migrations() if checks["database"]["ok"] else {"ok": False}
    ready = checks["database"]["ok"] and checks["migrations"]["ok"]
    if ready:
        checks.update(check_tasks())
    return ready, checks
