"""Issuing a computed billing run (`billing_run --issue`'s second half) against its floor.

For each size, a Caisse of N children is generated (bench.billing.generate) into the PostgreSQL of
BENCH_POSTGRES_URL (by default the local h_billing), its period computed into drafts, then, in the
same run and on the same drafts:

- the floor, in a child process with psycopg alone: the drafts' ids in numbering order, one
  `UPDATE … FROM unnest(ids) WITH ORDINALITY` numbering them and one `INSERT … SELECT` of their
  events, in a transaction rolled back afterwards (the drafts stay drafts);
- the real thing, in another child process: `billing_run_issue` (the counter, the numbering, the
  events, the credits, the grids' freeze, the e-mail tasks queued), with its peak memory.

Then the numbering is checked: n invoices numbered first … first + n - 1, no gap, no duplicate,
one "issued" event each. Goal of issue 16: ≤ 3 s and ≤ 200 MB at 130,000 children.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [15_000, 130_000]


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def child_compute(database_url: str, children: int) -> None:
    from bench.billing import _django, generate

    _django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate(children)
    generated = time.perf_counter() - started
    from refectoire.billing.services import billing_run_compute
    from refectoire.caisses.models import Caisse
    from refectoire.schools.models import BillingPeriod

    caisse = Caisse.objects.get(slug="bench")
    period = BillingPeriod.objects.get(caisse=caisse, start_date=datetime.date(2027, 3, 1))
    started = time.perf_counter()
    billing_run_compute(caisse=caisse, period=period)
    print(
        json.dumps(
            {
                "generated_seconds": round(generated, 1),
                "compute_seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


# The floor: what the database must do at least, written by hand (same rows, same order).
FLOOR_IDS = """
SELECT i.id FROM billing_invoice i
JOIN billing_billingperiod p ON p.id = i.period_id
LEFT JOIN households_household h ON h.id = i.household_id
WHERE p.caisse_id = %s AND p.start_date = %s AND i.kind = 'invoice' AND i.state = 'draft'
ORDER BY h.reference ASC NULLS LAST, i.household_id ASC NULLS LAST, i.adult_registration_id ASC
"""
FLOOR_UPDATE = """
UPDATE billing_invoice AS t SET state = 'issued', number = %s + u.n - 1, issued_at = now(),
  updated_at = now()
FROM unnest(%s::bigint[]) WITH ORDINALITY AS u(id, n)
WHERE t.id = u.id AND t.state = 'draft'
"""
FLOOR_EVENTS = """
INSERT INTO billing_invoiceevent (invoice_id, created_at, actor_id, from_state, to_state, message, action)
SELECT u.id, now(), NULL, 'draft', 'issued', '', 'issued' FROM unnest(%s::bigint[]) AS u(id)
"""


def child_floor(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        caisse_id = db.execute("SELECT id FROM caisses_caisse WHERE slug = 'bench'").fetchone()[0]
        started = time.perf_counter()
        ids = [row[0] for row in db.execute(FLOOR_IDS, [caisse_id, datetime.date(2027, 3, 1)])]
        first = db.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM billing_invoice WHERE caisse_id = %s", [caisse_id]
        ).fetchone()[0]
        moved = db.execute(FLOOR_UPDATE, [first, ids]).rowcount
        db.execute(FLOOR_EVENTS, [ids])
        seconds = time.perf_counter() - started
        db.rollback()  # the drafts stay drafts for the real issue
    print(json.dumps({"seconds": round(seconds, 2), "invoices": moved, "max_rss_mb": _rss_mb()}))


def child_issue(database_url: str, slug: str = "bench") -> None:
    """`billing_run_issue` of the Caisse `slug`'s period, timed, then its numbering checked."""
    from bench.billing import _django

    _django(database_url)
    from django.test.utils import override_settings
    from django_tasks import task_backends

    # As in production, the e-mails are queued for the worker (the test settings would run them
    # at once, inside the measure): the issue enqueues one task per 200 invoices. The tasks'
    # backends are read when the apps load their tasks: override_settings (its setting_changed
    # signal) resets them, where assigning settings.TASKS left the immediate backend in place.
    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}).enable()
    if type(task_backends["default"]).__name__ != "DatabaseBackend":
        raise RuntimeError(f"the e-mails would be sent inside the measure: {task_backends['default']}")
    from django.db.models import Count, Max, Min

    from refectoire.billing.models import BillingRun, Invoice, InvoiceEvent
    from refectoire.billing.services import billing_run_issue
    from refectoire.caisses.models import Caisse

    caisse = Caisse.objects.get(slug=slug)
    run = BillingRun.objects.get(caisse=caisse, period__start_date=datetime.date(2027, 3, 1))
    started = time.perf_counter()
    billing_run_issue(run=run)
    seconds = time.perf_counter() - started
    rss = _rss_mb()
    numbers = Invoice.objects.filter(caisse=caisse, number__isnull=False).aggregate(
        n=Count("pk"), distinct=Count("number", distinct=True), low=Min("number"), high=Max("number")
    )
    events = InvoiceEvent.objects.filter(invoice__caisse=caisse, action="issued").count()
    drafts = Invoice.objects.filter(caisse=caisse, state="draft").count()
    contiguous = (
        numbers["n"] == numbers["distinct"] == events
        and numbers["high"] - numbers["low"] + 1 == numbers["n"]
        and drafts == 0
    )
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "invoices": numbers["n"],
                "first": numbers["low"],
                "max_rss_mb": rss,
                "ok": contiguous,
            }
        )
    )


def _in_child(*args) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.issue", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(sizes=None) -> None:
    from bench.billing import _postgres_reset

    sizes = (
        sizes or [int(size) for size in os.environ.get("BENCH_ISSUE_SIZES", "").split(",") if size] or SIZES
    )
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/h_billing")
    rows = []
    for size in sizes:
        before = os.getloadavg()[0]
        _postgres_reset(postgres)
        computed = _in_child("compute", postgres, str(size))
        floor = _in_child("floor", postgres)
        issued = _in_child("issue", postgres)
        load = (before, os.getloadavg()[0])
        ratio = issued["seconds"] / floor["seconds"] if floor["seconds"] else float("inf")
        print(
            f"issue {size}: {issued} floor {floor} ratio {ratio:.1f} load {load[0]:.1f} → {load[1]:.1f}",
            flush=True,
        )
        if not issued["ok"] or issued["invoices"] != floor["invoices"]:
            raise RuntimeError(f"numbering is wrong at {size} children: {issued} vs floor {floor}")
        rows.append((size, computed, floor, issued, ratio, load))
        _postgres_reset(postgres)
        write(rows)  # after each size: a long run killed later keeps what it measured


def write(rows) -> None:
    from bench.machine import describe, write_section

    lines = [
        "## Émission d'une facturation (issue)",
        "",
        "`./dev bench issue`: a Caisse of N children (bench.billing's generator), its period Mars / Avril "
        "2027 computed into drafts, then in the same run on the same drafts: the floor (psycopg alone: "
        "the ids in numbering order, one `UPDATE … FROM unnest(ids) WITH ORDINALITY`, one `INSERT … "
        "SELECT` of the events, rolled back) and `billing_run_issue` (counter, numbering, events, "
        "credits, grids frozen, e-mail tasks queued in the database for the worker) in its own process, whose peak memory is its max "
        "RSS (Django loaded). Afterwards the numbers are checked: contiguous, no gap, no duplicate, one "
        "event per invoice. PostgreSQL 15 on the same host.",
        "",
        f"Machine: {describe()}; "
        "the load average before and after each measure is in the last column: above 1.5 on these 2 "
        "cores the machine was shared with other work (compare the ratios, measured in one run, "
        "rather than the seconds).",
        "",
        "| children | invoices | issue (s) | floor (s) | ratio | peak memory (Mio) | floor memory (Mio) "
        "| load average (before → after) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, _computed, floor, issued, ratio, load in rows:
        lines.append(
            f"| {size:,} | {issued['invoices']:,} | {issued['seconds']} | {floor['seconds']} | {ratio:.1f}× | "
            f"{issued['max_rss_mb']} | {floor['max_rss_mb']} | {load[0]:.1f} → {load[1]:.1f} |"
        )
    lines += ["", "Goal of issue 16: ≤ 3 s and ≤ 200 MB at 130,000 children."]
    write_section("issue", "\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["all"]
    if command == "compute":
        child_compute(rest[0], int(rest[1]))
    elif command == "floor":
        child_floor(rest[0])
    elif command == "issue":
        child_issue(*rest)
    else:
        run()
