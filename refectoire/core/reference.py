"""A per-process cache of the Caisses' reference data (issue 16): what every parent page reads and
an agent rarely changes (the Caisse row, its school years, calendar, tariff grids, direct debit and
PayFIP settings), and whether a user is an agent or canteen staff of the Caisse (the menu's role).

One generation token, in the shared cache (settings.CACHES, shared by every process), names the
state of all that data. A request reads it once (`request_begin`, called by the Caisse
middleware); a value is served from the process's memory only when it was loaded under that same
token. A write to a watched model (`watch`, from each app's `ready()`; services that write in bulk
call `bump()` themselves) replaces the token at once and again when the transaction commits, so
the next request of any process reloads. Values are loaded, never stored, inside a real
transaction (a service's write may still roll back), and only during a request: outside one
(tasks, commands) every read goes to the database. Each entry is keyed by the Caisse's id, so one
Caisse's entry never answers for another; a hit hands back a copy (unpickled: querysets keep their
prefetched rows), so a page may change what it got.
"""

from __future__ import annotations

import contextvars
import logging
import pickle
import uuid

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

TOKEN_KEY = "refectoire:reference-generation"
MAX_ENTRIES = 20000  # calendar windows and users' roles vary: past that, the process starts again empty

_request_token: contextvars.ContextVar[str | None] = contextvars.ContextVar("reference_token", default=None)
_entries: dict = {}
_entries_token: list = [None]


def _shared_token() -> str:
    token = cache.get(TOKEN_KEY)
    if token is None:
        cache.add(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(TOKEN_KEY)
    return token


def request_begin():
    """Read the generation once for this request; returns what `request_end` needs. The cache
    unreachable (Redis restarting): the request reads everything from the database."""
    try:
        token = _shared_token()
    except Exception:  # noqa: BLE001 (any backend's error: the page is served without the cache)
        logger.warning("reference cache: the generation token could not be read", exc_info=True)
        token = None
    return _request_token.set(token)


def request_end(handle) -> None:
    _request_token.reset(handle)


def _in_real_transaction() -> bool:
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def cached(name: str, caisse_id, key, loader):
    """`loader()`, or a copy of what it returned for (`name`, `caisse_id`, `key`) under this
    request's generation."""
    token = _request_token.get()
    if token is None or _in_real_transaction():
        return loader()
    if _entries_token[0] != token or len(_entries) >= MAX_ENTRIES:
        _entries.clear()  # another thread may still store under its token: the key holds it
        _entries_token[0] = token
    entry_key = (token, name, caisse_id, key)
    stored = _entries.get(entry_key)
    if stored is None:
        value = loader()
        _entries[entry_key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        return value
    return pickle.loads(stored)  # noqa: S301 (bytes this process pickled itself)


def _replace_token() -> None:
    cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Reference data changed: every process reloads, now and once the transaction commits."""
    _replace_token()
    _entries.clear()
    _entries_token[0] = None
    if _request_token.get() is not None:
        _request_token.set(cache.get(TOKEN_KEY))  # this request reads what it just wrote
    transaction.on_commit(_replace_token)


def _on_change(sender, **kwargs) -> None:
    bump()


def watch(*models) -> None:
    """Bump the generation on every save and delete of `models` (labels or classes)."""
    for model in models:
        uid = f"refectoire-reference-{model if isinstance(model, str) else model._meta.label}"
        post_save.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, weak=False, dispatch_uid=uid + "-delete")
