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
                "seconds": round(seconds, 1),
                "children": Child.objects.filter(household__caisse=caisse).count(),
                "invoices": Invoice.objects.filter(period=period).count(),
                "lines": InvoiceLine.objects.filter(invoice__period=period).count(),
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
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


def run(sizes=None) -> None:
    from bench.machine import describe, write_section

    sizes = (
        sizes or [int(size) for size in os.environ.get("BENCH_BILLING_SIZES", "").split(",") if size] or SIZES
    )
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/h_billing")
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            generated = _in_child("generate", url, str(size))
            result = _in_child("run", url)
            rows.append(("SQLite", size, generated, result))
            print(f"SQLite {size}: {result}", flush=True)
        _postgres_reset(postgres)
        generated = _in_child("generate", postgres, str(size))
        result = _in_child("run", postgres)
        rows.append(("PostgreSQL", size, generated, result))
        print(f"PostgreSQL {size}: {result}", flush=True)
        _postgres_reset(postgres)
    lines = [
        "## Facturation d'une période (billing)",
        "",
        "`./dev bench billing`: a Caisse of N children (enrollments with weekdays and shared custody on "
        "even / odd weeks, decided brackets of which some change inside the period, accepted absences), "
        "then the billing run of Mars / Avril 2027 (drafts: invoices and lines written in bulk, chunks of "
        "5,000 households). Time of the run only; peak memory is the run process's max RSS.",
        "",
        f"Machine: {describe()}.",
        "",
        "| database | children | run (s) | invoices | lines | peak memory (Mio) | generation (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for database, _size, generated, result in rows:
        lines.append(
            f"| {database} | {result['children']:,} | {result['seconds']} | {result['invoices']:,} | "
            f"{result['lines']:,} | {result['max_rss_mb']} | {generated['generated_seconds']} |"
        )
    write_section("billing", "\n".join(lines))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["all"]
    if command == "generate":
        child_generate(rest[0], int(rest[1]))
    elif command == "run":
        child_run(rest[0])
    else:
        run()
