"""Billing run of a two-month period (Mars / Avril 2027) for 15,000 then 130,000 children.

Each size is generated into a fresh database (SQLite in a temporary directory, then the
PostgreSQL of BENCH_POSTGRES_URL, by default the local h_billing), with realistic enrollments
(weekdays, shared custody on even / odd weeks), decided brackets (some changing inside the
period) and accepted absences, written in bulk. The run itself is timed in a separate process
(`manage.py billing_run`), whose peak memory (max RSS) is reported with the rows it wrote.
Goal of the issue: 130,000 children in under 60 s on PostgreSQL, time linear in children.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [15_000, 130_000]
CHILDREN_PER_SCHOOL = 180
PERIOD = "2027-03"


def _django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("REFECTOIRE_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refectoire.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(children: int, seed: int = 11) -> None:
    """A Caisse `bench` of `children` children, in the database Django is set up on."""
    from decimal import Decimal

    from refectoire.caisses.models import Caisse
    from refectoire.enrollment.models import Absence, Enrollment
    from refectoire.households.models import Child, Guardian, Household
    from refectoire.pricing.grids import (
        PARIS_ADULT_MEAL_PRICE,
        PARIS_BRACKETS,
        PARIS_EXCEPTIONAL_MEAL_PRICE,
        tariff_grid_create,
    )
    from refectoire.pricing.models import TariffDecision
    from refectoire.schools.models import BillingPeriod, School
    from refectoire.schools.services import school_year_create

    rng = random.Random(seed)
    caisse = Caisse.objects.create(
        slug="bench",
        name="Caisse des écoles (banc d'essai)",
        logo_text="banc",
        contact_email="bench@example.fr",
    )
    year = school_year_create(
        caisse=caisse,
        label="2026-2027",
        first_day=datetime.date(2026, 9, 1),
        last_day=datetime.date(2027, 7, 2),
    )
    tariff_grid_create(
        caisse=caisse,
        school_year=year,
        brackets=PARIS_BRACKETS,
        adult_meal_price=PARIS_ADULT_MEAL_PRICE,
        exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
    )
    BillingPeriod.objects.create(
        caisse=caisse,
        school_year=year,
        label="Mars / Avril 2027",
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 4, 30),
        due_date=datetime.date(2027, 5, 31),
    )
    schools = School.objects.bulk_create(
        School(
            caisse=caisse,
            code=f"S{i:04d}",
            name=f"École {i}",
            kind="elementaire",
            weekdays="1245" if i % 7 == 0 else "12345",
        )
        for i in range(max(1, children // CHILDREN_PER_SCHOOL))
    )
    households, plan = [], []
    made = 0
    while made < children:
        size = min(rng.choice([1, 1, 1, 2, 2, 2, 3, 4]), children - made)
        shared = size == 1 and rng.random() < 0.08 and children - made >= 2
        households.append(Household(caisse=caisse, reference=f"F{len(households):07d}", state="validated"))
        plan.append(("even", 1) if shared else ("full", size))
        made += size
        if shared:
            households.append(
                Household(caisse=caisse, reference=f"F{len(households):07d}", state="validated")
            )
            plan.append(("odd", 1))
            made += 1
    households = Household.objects.bulk_create(households, batch_size=5000)
    Guardian.objects.bulk_create(
        (
            Guardian(
                household=h,
                role="primary",
                first_name="Prénom",
                last_name=f"Nom{h.pk}",
                email=f"f{h.pk}@example.fr",
                street_name="rue de la Roquette",
                postcode="75011",
                city="Paris",
            )
            for h in households
        ),
        batch_size=5000,
    )
    kids = []
    for household, (custody, size) in zip(households, plan, strict=True):
        for n in range(size):
            kids.append(
                (
                    Child(
                        household=household,
                        reference=f"E{household.pk}-{n}",
                        first_name=f"Enfant{n}",
                        last_name=f"Nom{household.pk}",
                    ),
                    custody,
                )
            )
    created = Child.objects.bulk_create([child for child, _c in kids], batch_size=5000)
    enrollments, absences = [], []
    for child, (_c, custody) in zip(created, kids, strict=True):
        school = schools[rng.randrange(len(schools))]
        weekdays = rng.choice(["12345"] * 6 + ["1245", "124", "2345"])
        weekdays = "".join(d for d in weekdays if d in school.weekdays) or school.weekdays
        end = year.last_day if rng.random() > 0.02 else datetime.date(2027, 3, rng.randint(2, 31))
        enrollments.append(
            Enrollment(
                caisse=caisse,
                household_id=child.household_id,
                child=child,
                school_year=year,
                school=school,
                weekdays=weekdays,
                custody=custody,
                start_date=year.first_day,
                end_date=end,
                state="active",
            )
        )
        if rng.random() < 0.05:
            first = datetime.date(2027, 3, 1) + datetime.timedelta(days=rng.randint(0, 55))
            absences.append(
                Absence(
                    household_id=child.household_id,
                    child=child,
                    first_day=first,
                    last_day=first + datetime.timedelta(days=rng.randint(2, 5)),
                    state="accepted",
                )
            )
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    Absence.objects.bulk_create(absences, batch_size=5000)
    decisions = []
    today = datetime.date(2026, 9, 15)
    for household in households:
        if rng.random() < 0.75:
            bracket = rng.randint(1, 10)
            decisions.append(
                TariffDecision(
                    caisse=caisse,
                    household=household,
                    school_year=year,
                    bracket_number=bracket,
                    family_quotient=Decimal(rng.randint(100, 6000)),
                    start_date=year.first_day,
                    decided_on=today,
                    source="import",
                )
            )
            if rng.random() < 0.05:
                decisions.append(
                    TariffDecision(
                        caisse=caisse,
                        household=household,
                        school_year=year,
                        bracket_number=max(1, bracket - 1),
                        family_quotient=Decimal(rng.randint(100, 6000)),
                        start_date=datetime.date(2027, 3, rng.randint(2, 31)),
                        decided_on=today,
                        source="import",
                    )
                )
    TariffDecision.objects.bulk_create(decisions, batch_size=5000)


def child_generate(database_url: str, children: int) -> None:
    _django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate(children)
    print(json.dumps({"generated_seconds": round(time.perf_counter() - started, 1)}))


def child_run(database_url: str) -> None:
    """Run the billing of the period and say how long, how many rows and how much memory."""
    import resource

    _django(database_url)
    from refectoire.billing.models import Invoice, InvoiceLine
    from refectoire.billing.services import billing_run_compute
    from refectoire.caisses.models import Caisse
    from refectoire.households.models import Child
    from refectoire.schools.models import BillingPeriod

    caisse = Caisse.objects.get(slug="bench")
    period = BillingPeriod.objects.get(caisse=caisse, start_date=datetime.date(2027, 3, 1))
    started = time.perf_counter()
    billing_run_compute(caisse=caisse, period=period)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "children": Child.objects.filter(household__caisse=caisse).count(),
                "invoices": Invoice.objects.filter(period=period).count(),
                "lines": InvoiceLine.objects.filter(invoice__period=period).count(),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


# The floor: the same rows read in a few plain queries, computed with dict lookups and bit sets,
# written with COPY into the real tables (then removed, untimed, before the real run).
FLOOR_ENROLLMENTS = """
SELECT e.household_id, e.child_id, e.school_id, e.weekdays, e.custody, e.start_date, e.end_date,
       c.first_name, c.last_name
FROM enrollment_enrollment e JOIN households_child c ON c.id = e.child_id
WHERE e.caisse_id = %s AND e.start_date <= %s AND e.end_date >= %s
"""
FLOOR_ABSENCES = """
SELECT a.household_id, a.child_id, a.first_day, a.last_day FROM enrollment_absence a
JOIN households_household h ON h.id = a.household_id
WHERE h.caisse_id = %s AND a.state = 'accepted' AND a.first_day <= %s AND a.last_day >= %s
"""
FLOOR_DECISIONS = """
SELECT household_id, start_date, bracket_number, family_quotient, id FROM pricing_tariffdecision
WHERE caisse_id = %s AND start_date <= %s ORDER BY household_id, start_date, created_at, id
"""
FLOOR_BRACKETS = """
SELECT b.number, b.unit_price FROM pricing_tariffbracket b JOIN pricing_tariffgrid g ON g.id = b.grid_id
WHERE g.caisse_id = %s
"""


def child_floor(database_url: str) -> None:
    """The floor of the run, on PostgreSQL: prints its time and the rows it wrote."""
    import resource
    import uuid
    from bisect import bisect_left, bisect_right
    from collections import defaultdict
    from decimal import Decimal

    _django(database_url)
    from django.db import connection, transaction

    from refectoire.caisses.models import Caisse
    from refectoire.schools.calendar import CalendarBits, Window
    from refectoire.schools.models import BillingPeriod

    caisse = Caisse.objects.get(slug="bench")
    period = BillingPeriod.objects.get(caisse=caisse, start_date=datetime.date(2027, 3, 1))
    start, end = period.start_date, period.end_date
    cent = Decimal("0.01")
    started = time.perf_counter()
    window = Window(start, end)
    calendar = CalendarBits.load(caisse=caisse, window=window)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR_BRACKETS, [caisse.pk])
        prices = dict(cursor.fetchall())
        top = max(prices)
        cursor.execute(FLOOR_ABSENCES, [caisse.pk, end, start])
        absent = defaultdict(int)
        for household_id, child_id, first, last in cursor.fetchall():
            absent[household_id, child_id] |= window.span(first, last)
        cursor.execute(FLOOR_DECISIONS, [caisse.pk, end])
        decisions = defaultdict(list)
        for household_id, first, number, quotient, pk in cursor.fetchall():
            decisions[household_id].append((max(first, start), number, quotient, pk))
        cursor.execute(FLOOR_ENROLLMENTS, [caisse.pk, end, start])
        custody_bits = {"full": window.all, "even": window.parity[0], "odd": window.parity[1]}
        children = defaultdict(list)
        for (
            household_id,
            child_id,
            school_id,
            weekdays,
            custody,
            first,
            last,
            name,
            surname,
        ) in cursor.fetchall():
            served = (
                calendar.school_days(school_id)
                & window.span(first, last)
                & window.weekdays(weekdays)
                & custody_bits[custody]
                & ~absent.get((household_id, child_id), 0)
            )
            if served:
                children[household_id].append((child_id, window.dates(served), f"{name} {surname.upper()}"))
        invoices, lines = [], []
        now = datetime.datetime.now(datetime.UTC)
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('billing_invoice', 'id')) FROM generate_series(1, %s)",
            [len(children)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for invoice_id, household_id in zip(ids, sorted(children), strict=True):
            spans = decisions.get(household_id) or [(start, top, None, None)]
            if spans[0][0] > start:
                spans.insert(0, (start, top, None, None))
            firsts = [span[0] for span in spans]
            total, position = Decimal("0.00"), 0
            for child_id, days, label in children[household_id]:
                for index, (first, number, quotient, decision_id) in enumerate(spans):
                    last = firsts[index + 1] - datetime.timedelta(days=1) if index + 1 < len(spans) else end
                    chunk = days[bisect_left(days, first) : bisect_right(days, last)]
                    if not chunk:
                        continue
                    price = prices[number]
                    amount = (price * len(chunk)).quantize(cent)
                    total += amount
                    lines.append(
                        (
                            invoice_id,
                            position,
                            "meals",
                            child_id,
                            label,
                            len(chunk),
                            price,
                            amount,
                            json.dumps([day.isoformat() for day in chunk]),
                            number,
                            quotient,
                            decision_id,
                            f"Tarif {number}",
                            None,
                        )
                    )
                    position += 1
            invoices.append(
                (
                    invoice_id,
                    uuid.uuid4(),
                    caisse.pk,
                    household_id,
                    period.pk,
                    "invoice",
                    "draft",
                    period.label,
                    total,
                    0,
                    0,
                    period.due_date,
                    period.payment_opens_at,
                    "",
                    now,
                    now,
                )
            )
        from refectoire.billing.services import INVOICE_COLUMNS, LINE_COLUMNS  # reason: the real columns

        with cursor.cursor.copy(
            f"COPY billing_invoice (id, {', '.join(INVOICE_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in invoices:
                copy.write_row(row)
        with cursor.cursor.copy(f"COPY billing_invoiceline ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
            for row in lines:
                copy.write_row(row)
    seconds = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:  # untimed: the real run starts from scratch
        cursor.execute("DELETE FROM billing_invoiceline WHERE invoice_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM billing_invoice WHERE id = ANY(%s)", [ids])
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "invoices": len(invoices),
                "lines": len(lines),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def _in_child(*args) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.billing", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _postgres_reset(url: str) -> None:
    """An empty schema in the database of `url`, created first on a server that lacks it."""
    import psycopg

    from bench.mails import _ensure_database

    _ensure_database(url)
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


def run(sizes=None) -> None:

    sizes = (
        sizes or [int(size) for size in os.environ.get("BENCH_BILLING_SIZES", "").split(",") if size] or SIZES
    )
    databases = os.environ.get("BENCH_BILLING_DATABASES", "sqlite,postgresql").split(",")
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/h_billing")
    rows = []
    for size in sizes:
        if "sqlite" in databases:
            before = os.getloadavg()[0]
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/bench.sqlite3"
                generated = _in_child("generate", url, str(size))
                result = _in_child("run", url)
                rows.append(("SQLite", size, generated, result, None, (before, os.getloadavg()[0])))
                print(f"SQLite {size}: {result}", flush=True)
        if "postgresql" in databases:
            before = os.getloadavg()[0]
            _postgres_reset(postgres)
            generated = _in_child("generate", postgres, str(size))
            floor = _in_child("floor", postgres)
            result = _in_child("run", postgres)
            if (floor["invoices"], floor["lines"]) != (result["invoices"], result["lines"]):
                raise RuntimeError(f"the floor wrote other rows than the run: {floor} vs {result}")
            ratio = result["seconds"] / floor["seconds"]
            rows.append(("PostgreSQL", size, generated, result, floor, (before, os.getloadavg()[0])))
            print(f"PostgreSQL {size}: {result} floor {floor} ratio {ratio:.2f}", flush=True)
            _postgres_reset(postgres)
        write(rows)  # after each size: a long run killed later keeps what it measured


def write(rows) -> None:
    from bench.machine import describe, write_section

    lines = [
        "## Facturation d'une période (billing)",
        "",
        "`./dev bench billing`: a Caisse of N children (enrollments with weekdays and shared custody on "
        "even / odd weeks, decided brackets of which some change inside the period, accepted absences), "
        "then the billing run of Mars / Avril 2027 (drafts: invoices and lines written in bulk, chunks of "
        "5,000 households). Time of the run only; peak memory is the run process's max RSS.",
        "",
        "On PostgreSQL the run is measured against its floor in the same run, on the same data, just "
        "before it: the same invoices and lines read in a few plain queries (enrollments with their "
        "children, accepted absences, decisions, brackets, plus the calendar), computed with dict "
        "lookups and bit sets, written with COPY into the real tables (then removed, untimed). The "
        "bench checks that the floor wrote as many invoices and lines as the run.",
        "",
        f"Machine: {describe()}; "
        "the load average before and after each measure is in the last column: above 1.5 on these 2 "
        "cores the machine was shared with other work (compare the ratios, measured in one run, "
        "rather than the seconds).",
        "",
        "| database | children | run (s) | floor (s) | run ÷ floor | invoices | lines | peak memory (Mio) "
        "| generation (s) | load average (before → after) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for database, _size, generated, result, floor, load in rows:
        floor_s = f"{floor['seconds']}" if floor else "—"
        ratio = f"{result['seconds'] / floor['seconds']:.2f}×" if floor else "—"
        lines.append(
            f"| {database} | {result['children']:,} | {result['seconds']} | {floor_s} | {ratio} | "
            f"{result['invoices']:,} | {result['lines']:,} | {result['max_rss_mb']} | "
            f"{generated['generated_seconds']} | {load[0]:.1f} → {load[1]:.1f} |"
        )
    postgres_rows = [row for row in rows if row[0] == "PostgreSQL"]
    if len(postgres_rows) >= 2:
        small, large = postgres_rows[0], postgres_rows[-1]
        lines += [
            "",
            f"Growth on PostgreSQL {small[1]:,} → {large[1]:,} children "
            f"({large[1] / small[1]:.1f}× children): run {large[3]['seconds'] / small[3]['seconds']:.1f}×, "
            f"floor {large[4]['seconds'] / small[4]['seconds']:.1f}×.",
        ]
    lines += ["", "Goal of issue 16: run ≤ 1.5× its floor, growth linear (10× children ≤ 10.5× time)."]
    write_section("billing", "\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["all"]
    if command == "generate":
        child_generate(rest[0], int(rest[1]))
    elif command == "run":
        child_run(rest[0])
    elif command == "floor":
        child_floor(rest[0])
    else:
        run()
