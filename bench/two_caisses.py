"""Two Caisses' billing runs at once on one PostgreSQL, against each run alone (docs/deploy.md §13).

Four Caisses of N children each (BENCH_TWO_CAISSES_CHILDREN, default 65,000: two of them make
Paris's 130,000), generated from the same seed by bench.billing's generator so that their data has
the same shape, in the PostgreSQL of BENCH_POSTGRES_URL (by default the local h_two_caisses, its
schema reset). Each step in its own process, as `billing_run` runs:

1. alone: the period Mars / Avril 2027 of Caisse A computed, then Caisse B's;
2. at once: Caisses C and D computed by two processes started together;
3. issued: Caisse A alone, then Caisses B and C at once (Caisse D's drafts stay drafts).

Each process prints its own time; « at once » also gives the wall time of the pair. Then each
Caisse's numbering is checked: its invoices numbered 1 … n, no gap, no duplicate, one « issued »
event each, whatever the other Caisse did meanwhile. The runs share no lock (the run lock is keyed
on the period, the invoice counter is a row per Caisse): two at once on two cores should each take
about what one takes alone.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILDREN = 65_000
SLUGS = ("bench-a", "bench-b", "bench-c", "bench-d")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_two_caisses"
PERIOD_START = datetime.date(2027, 3, 1)


def child_generate(database_url: str, children: int) -> None:
    from bench.billing import _django, generate

    _django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from refectoire.caisses.models import Caisse

    started = time.perf_counter()
    for slug in SLUGS:
        generate(children)  # the same seed each time: four Caisses of the same shape
        Caisse.objects.filter(slug="bench").update(slug=slug)
    print(json.dumps({"generated_seconds": round(time.perf_counter() - started, 1)}))


def child_compute(database_url: str, slug: str) -> None:
    from bench.billing import _django
    from bench.issue import _rss_mb

    _django(database_url)
    from refectoire.billing.models import Invoice
    from refectoire.billing.services import billing_run_compute
    from refectoire.caisses.models import Caisse
    from refectoire.schools.models import BillingPeriod

    caisse = Caisse.objects.get(slug=slug)
    period = BillingPeriod.objects.get(caisse=caisse, start_date=PERIOD_START)
    started = time.perf_counter()
    billing_run_compute(caisse=caisse, period=period)
    seconds = time.perf_counter() - started
    invoices = Invoice.objects.filter(period=period).count()
    print(json.dumps({"seconds": round(seconds, 2), "invoices": invoices, "max_rss_mb": _rss_mb()}))


def _start(*args) -> subprocess.Popen:
    """`python -m bench.two_caisses ARGS`, or bench.issue's for `issue` (the same child as `./dev
    bench issue`, for the Caisse given)."""
    module = "bench.issue" if args[0] == "issue" else "bench.two_caisses"
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen) -> dict:
    out, err = process.communicate()
    if process.returncode:
        raise RuntimeError(err[-3000:])
    return json.loads(out.strip().splitlines()[-1])


def _together(*commands) -> tuple[list[dict], float]:
    """Start the processes together; their results and the wall time until the last ends."""
    started = time.perf_counter()
    processes = [_start(*command) for command in commands]
    results = [_result(process) for process in processes]
    return results, round(time.perf_counter() - started, 2)


def run() -> None:
    from bench.billing import _postgres_reset

    children = int(os.environ.get("BENCH_TWO_CAISSES_CHILDREN", CHILDREN))
    url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_URL)
    _postgres_reset(url)
    generated = _result(_start("generate", url, str(children)))
    print(f"two_caisses: {children:,} children × {len(SLUGS)} Caisses, {generated}", flush=True)
    load_before = os.getloadavg()[0]
    alone, alone_walls = [], []
    for slug in SLUGS[:2]:
        (row,), wall = _together(("compute", url, slug))
        alone.append(row)
        alone_walls.append(wall)
    together, together_wall = _together(("compute", url, SLUGS[2]), ("compute", url, SLUGS[3]))
    (issue_alone,), issue_alone_wall = _together(("issue", url, SLUGS[0]))
    issue_together, issue_wall = _together(("issue", url, SLUGS[1]), ("issue", url, SLUGS[2]))
    load_after = os.getloadavg()[0]
    result = {
        "children": children,
        "generated": generated,
        "alone": alone,
        "together": together,
        "alone_wall": round(sum(alone_walls), 2),
        "together_wall": together_wall,
        "issue_alone": issue_alone,
        "issue_alone_wall": issue_alone_wall,
        "issue_together": issue_together,
        "issue_wall": issue_wall,
        "load_before": round(load_before, 1),
        "load_after": round(load_after, 1),
    }
    print(f"two_caisses: {json.dumps(result)}", flush=True)
    invoices = {row["invoices"] for row in [*alone, *together, issue_alone, *issue_together]}
    # Each Caisse's own numbering: contiguous, no gap or duplicate (bench.issue), from 1.
    numbered = all(row["ok"] and row["first"] == 1 for row in [issue_alone, *issue_together])
    write(result, same_invoices=len(invoices) == 1, numbered=numbered)
    if len(invoices) != 1 or not numbered:
        raise RuntimeError(f"two_caisses: invoices {invoices}, numbering ok: {numbered}")


def write(result: dict, *, same_invoices: bool, numbered: bool) -> None:
    from bench.machine import describe, load_sentence, write_section

    alone, together = result["alone"], result["together"]
    issue_alone, issue_together = result["issue_alone"], result["issue_together"]
    mean_alone = sum(row["seconds"] for row in alone) / len(alone)
    slowest = max(row["seconds"] for row in together)
    slowest_issue = max(row["seconds"] for row in issue_together)
    invoices = alone[0]["invoices"]

    def seconds(rows, digits=1) -> str:
        return " and ".join(f"{row['seconds']:.{digits}f}" for row in rows)

    lines = [
        "## Deux Caisses facturent en même temps (two_caisses)",
        "",
        f"`./dev bench two_caisses`: four Caisses of {result['children']:,} children each (bench.billing's "
        "generator, the same seed: the same shape of data) on one PostgreSQL 15 on the same host; the "
        "period Mars / Avril 2027 of each computed by `billing_run_compute` and issued by "
        "`billing_run_issue`, each in its own process as `billing_run` runs. « Alone »: one process at a "
        "time; « at once »: two processes started together, each for its own Caisse. Checked "
        "afterwards: each Caisse's invoices numbered 1 … n, no gap, no duplicate, one « issued » event "
        "each.",
        "",
        f"Machine: {describe()}; {load_sentence(result['load_before'])}, {result['load_after']} after it.",
        "",
        "| step | Caisses | seconds of each run | wall time of the step (s) | slowest ÷ alone | invoices each |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        f"| compute, alone | A, then B | {seconds(alone)} | {result['alone_wall']:.1f} | 1.00× "
        f"| {invoices:,} |",
        f"| compute, at once | C and D | {seconds(together)} | {result['together_wall']:.1f} | "
        f"{slowest / mean_alone:.2f}× | {together[0]['invoices']:,} |",
        f"| issue, alone | A | {issue_alone['seconds']:.2f} | {result['issue_alone_wall']:.2f} | 1.00× | "
        f"{issue_alone['invoices']:,} |",
        f"| issue, at once | B and C | {seconds(issue_together, 2)} | "
        f"{result['issue_wall']:.2f} | {slowest_issue / issue_alone['seconds']:.2f}× | "
        f"{issue_together[0]['invoices']:,} |",
        "",
        f"Same invoices in every Caisse: {'yes' if same_invoices else 'NO'}; each Caisse numbered 1 … n "
        f"without gap or duplicate: {'yes' if numbered else 'NO'}. Generation of the four Caisses: "
        f"{result['generated']['generated_seconds']:.0f} s. The wall time of a step includes its "
        "processes' Django start-up and their last counts (about a second); the seconds of each run are "
        "the service call alone.",
    ]
    write_section("two_caisses", "\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "generate":
        child_generate(rest[0], int(rest[1]))
    elif command == "compute":
        child_compute(rest[0], rest[1])
    else:
        raise SystemExit(f"unknown command {command}")
