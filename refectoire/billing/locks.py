"""One billing run per period at a time, whatever process starts it (command, worker, screen).

The lock is taken without waiting before anything is computed or issued, and held until the run
ends. It dies with the process that holds it, so a run killed with `kill -9` never leaves its
period locked:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) keyed on the period, on the
  connection that runs the computation; the server releases it when that connection closes.
- SQLite: an exclusive `flock` on a small file next to the database (in the temporary directory
  for an in-memory database); the kernel releases it when the process dies.

The lock is re-entrant in one thread: `billing_run` holds it over the computation and the issue.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

# First key of the advisory lock: "billing run" (any constant our other locks do not use).
ADVISORY_NAMESPACE = 4201

_held = threading.local()


class RunInProgress(ValidationError):
    """Another process is computing or issuing this period."""


def _lock_path(period_id: int) -> str:
    name = str(connection.settings_dict["NAME"])
    in_memory = connection.is_in_memory_db()
    directory = tempfile.gettempdir() if in_memory else os.path.dirname(os.path.abspath(name))
    key = hashlib.sha256(f"{name}:{os.getpid() if in_memory else ''}".encode()).hexdigest()[:16]
    return os.path.join(directory, f".refectoire-billing-{key}-{period_id}.lock")


def _acquire(period_id: int):
    """A release function, or None when another holder has the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, period_id])
            if not cursor.fetchone()[0]:
                return None
        holder = connection.connection

        def release():
            # The lock lives as long as the session: if the connection was replaced, it is gone.
            if connection.connection is holder:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, period_id])

        return release
    descriptor = os.open(_lock_path(period_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None

    def release():
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)

    return release


@contextlib.contextmanager
def billing_period_lock(period):
    """Hold the run lock of `period`, or raise `RunInProgress` at once if someone else holds it."""
    held = getattr(_held, "periods", None)
    if held is None:
        held = _held.periods = set()
    key = (connection.alias, period.pk)
    if key in held:  # already ours (the command holds it over the computation and the issue)
        yield
        return
    release = _acquire(period.pk)
    if release is None:
        raise RunInProgress(
            _(
                "Une facturation de la période « %(period)s » est déjà en cours (calcul ou émission) : "
                "attendez qu'elle se termine, puis consultez son état."
            )
            % {"period": period.label}
        )
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        release()


def billing_period_is_locked(period) -> bool:
    """True while another process computes or issues `period` (the lock is not kept)."""
    try:
        with billing_period_lock(period):
            return False
    except RunInProgress:
        return True
