"""The parent's pages against a bare view, served as in production (`./dev bench portal`).

Issue 16: « Mon espace », « Factures », one invoice and the planning of a child, each read in a
bounded number of queries (tests/www/portal/test_page_queries.py), and bare ÷ page ≤ 3× with the
connection pool on, p99 under 250 ms at 20 connections.

A throwaway PostgreSQL cluster (bench/serving.py's, on BENCH_PG_PORT), the demo data, gunicorn with
2 workers and psycopg's connection pool (DATABASE_POOL=1, DEBUG off), then CLIENTS threads without
think time for SECONDS on each address in turn: the floor is /health/live/ (a view that answers
« ok » through every middleware, no database), then the four pages with a parent's session.
Printed and written to docs/benchmarks.md: requests/s, p50, p99, errors and the ratio floor ÷ page
(requests per second of the bare view over those of the page).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import urllib.request

from bench.machine import describe, write_section
from bench.serving import NoRedirect, ThrowawayPostgres, fetch, gunicorn, manage, percentile

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
BARE = "/health/live/"
# The demo's parent whose household is validated, with issued invoices and enrolled children.
PAGES_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from refectoire.billing.enums import InvoiceState
from refectoire.billing.models import Invoice
from refectoire.enrollment.enums import EnrollmentState
from refectoire.enrollment.models import Enrollment
from refectoire.households.models import Household
household = (
    Household.objects.validated()
    .filter(caisse__slug="cde11", guardians__user__isnull=False, invoices__state=InvoiceState.ISSUED)
    .filter(enrollments__state=EnrollmentState.ACTIVE)
    .distinct()
    .order_by("pk")
    .first()
)
user = household.guardians.exclude(user=None).first().user
invoice = Invoice.objects.filter(household=household, state=InvoiceState.ISSUED).order_by("number").first()
enrollment = Enrollment.objects.filter(household=household, state=EnrollmentState.ACTIVE).first()
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key, invoice.uuid, enrollment.uuid, household.children.count())
"""


def drive_one(path: str, session: str, seconds: float) -> tuple[list[float], int]:
    """CLIENTS threads asking `path` without think time: the durations, and the errors (not 200)."""
    durations, errors, lock = [], [0], threading.Lock()
    started = time.monotonic()

    def client():
        opener = urllib.request.build_opener(NoRedirect)
        while time.monotonic() - started < seconds:
            begin = time.monotonic()
            status, _body = fetch(opener, path, session)
            took = time.monotonic() - begin
            with lock:
                durations.append(took)
                if status != 200:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return durations, errors[0]


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def caches() -> list[str]:
    """BENCH_CACHE_URL: the caches to measure, comma-separated (db:// by default, as a host without
    Redis has it; redis://… is the production setting that reads no session row)."""
    return [url for url in os.environ.get("BENCH_CACHE_URL", "db://").split(",") if url]


def run():
    before = load_average()  # the machine before the benchmark adds its own load
    postgres = ThrowawayPostgres()
    results = []  # (cache, floor, measures, loads)
    try:
        postgres.start()
        env = prepare(postgres)
        session, invoice_uuid, enrollment_uuid, children = (
            manage(env, "shell", "-c", PAGES_SCRIPT, capture=True).splitlines()[-1].split()
        )
        pages = [
            ("« Mon espace » `/`", "/cde11/mon-espace/"),
            ("« Factures » `factures/`", "/cde11/mon-espace/factures/"),
            ("une facture `factures/<uuid>/`", f"/cde11/mon-espace/factures/{invoice_uuid}/"),
            ("le planning `planning/<uuid>/`", f"/cde11/mon-espace/planning/{enrollment_uuid}/"),
        ]
        for cache_url in caches():
            if cache_url.startswith("redis"):
                import redis

                redis.Redis.from_url(cache_url).flushdb()
            measures = []
            with gunicorn({**env, "CACHE_URL": cache_url}, 2):
                for _label, path in [("floor", BARE), *pages]:  # warm-up: imports, pool, templates
                    drive_one(path, session, 2)
                loads = [load_average()]
                floor = drive_one(BARE, session, SECONDS)
                for label, path in pages:
                    measures.append((label, path, drive_one(path, session, SECONDS)))
                loads.append(load_average())
            results.append((cache_url, floor, measures, loads))
    finally:
        postgres.stop()

    def row(cache_url, label, durations, errors, ratio):
        return (
            f"| `{cache_url}` | {label} | {len(durations) / SECONDS:.1f} | "
            f"{statistics.median(durations) * 1000:.0f} ms "
            f"| {percentile(durations, 0.99) * 1000:.0f} ms | {errors} | {ratio} |"
        )

    rows = []
    for cache_url, floor, measures, _loads in results:
        floor_rate = len(floor[0]) / SECONDS
        rows.append(row(cache_url, f"floor: `{BARE}` (« ok », no database)", *floor, "1.0×"))
        for label, _path, (durations, errors) in measures:
            rate = len(durations) / SECONDS
            ratio = f"{floor_rate / rate:.1f}×" if rate else "∞"
            rows.append(row(cache_url, label, durations, errors, ratio))
    table = (
        "| cache | page | requests/s | p50 | p99 | errors | floor ÷ page |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows)
    )
    loads = [results[0][3][0], results[-1][3][1]]
    print(table, flush=True)
    write_section(
        "portal",
        "## Les pages du parent (`./dev bench portal`)\n\n"
        f"Machine: {describe()}; load average {before} before the benchmark started, {loads[0]} when "
        f"the measure began and {loads[1]} after it "
        + (
            "(an idle machine: what follows is the benchmark's own clients, gunicorn and PostgreSQL).\n\n"
            if float(before.replace("?", "99")) < 1.5
            else "(the machine was shared with other work: compare the ratios, measured in one "
            "run, rather than the seconds; the goal is to be checked on an idle machine).\n\n"
        )
        + "PostgreSQL 15 on the same host (throwaway cluster), the demo data, gunicorn with 2 workers, "
        "psycopg's connection pool (`DATABASE_POOL=1`), DEBUG off, the cache of each row "
        "(`CACHE_URL`: with `db://` the sessions are in the database and the reference data's generation "
        "token is one query of `cache_table`; with Redis the sessions are read through it, "
        "`cached_db`, docs/deploy.md); "
        f"{CLIENTS} connections without think time, {SECONDS:.0f} s per address, one address after the "
        f"other; the parent's household has {children} children. Floor ÷ page: the requests per second "
        "of the bare view over those of the page.\n\n"
        + table
        + "\n\nGoal of issue 16: floor ÷ page ≤ 3× and p99 under 250 ms at 20 connections, on an idle "
        "machine; the queries of each page are counted by tests/www/portal/test_page_queries.py "
        "(docs/dashboard.md).\n",
    )


def prepare(postgres: ThrowawayPostgres, *, demo: bool = True) -> dict:
    """The database `refectoire` in the throwaway cluster, migrated (with the demo data unless
    `demo` is false), and the environment gunicorn and manage.py run with: pool on, DEBUG off."""
    import psycopg

    with psycopg.connect(
        postgres.url("postgres").replace("postgres://", "postgresql://", 1), autocommit=True
    ) as db:
        db.execute("CREATE DATABASE refectoire")
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url(),
        "DATABASE_POOL": "1",
        "DATABASE_POOL_MAX_SIZE": os.environ.get("DATABASE_POOL_MAX_SIZE", "4"),
        "DEBUG": "0",
        "REFECTOIRE_DEMO": "1",
        "REFECTOIRE_BASE_URL": "http://127.0.0.1",
        # db:// by default, as documented for one host; BENCH_CACHE_URL=redis://… measures Redis.
        "CACHE_URL": caches()[0],
        "LOG_LEVEL": "ERROR",
    }
    print(
        "PostgreSQL jetable prêt ; migrations" + (" et données de démonstration…" if demo else "…"),
        flush=True,
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    if demo:
        manage(env, "seed_demo")
    return env
