"""A run killed in the middle (SIGKILL of the process running the command), then started again,
ends with exactly the invoices of one uninterrupted run: no duplicate, no missing household."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun, Invoice, InvoiceLine
from refectoire.billing.services import billing_run_compute
from tests.billing.runs import D, billing_setup, decide, enrolled_family
from tests.factories import CaisseFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 40
SIGNATURE_SQL = """
    SELECT h.reference, c.reference, l.meals, l.amount, l.days
    FROM billing_invoiceline l
    JOIN billing_invoice i ON l.invoice_id = i.id
    JOIN households_household h ON i.household_id = h.id
    LEFT JOIN households_child c ON l.child_id = c.id
"""


def signature(rows):
    result = []
    for household, child, meals, amount, days in rows:
        days = json.loads(days) if isinstance(days, str) else days
        result.append((household, child, meals, Decimal(str(amount)).quantize(Decimal("0.01")), tuple(days)))
    return sorted(result)


def read(target):
    if target is None:
        with connection.cursor() as cursor:
            cursor.execute(SIGNATURE_SQL)
            rows = cursor.fetchall()
            cursor.execute("SELECT household_id, COUNT(*) FROM billing_invoice GROUP BY household_id")
            counts = cursor.fetchall()
            cursor.execute("SELECT state FROM billing_billingrun")
            states = cursor.fetchall()
    else:
        with sqlite3.connect(target) as db:
            rows = db.execute(SIGNATURE_SQL).fetchall()
            counts = db.execute(
                "SELECT household_id, COUNT(*) FROM billing_invoice GROUP BY household_id"
            ).fetchall()
            states = db.execute("SELECT state FROM billing_billingrun").fetchall()
        db.close()
    return signature(rows), counts, [state for (state,) in states]


def command(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "REFECTOIRE_TESTING": "1", "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "manage.py", "billing_run", "--caisse", "cde11", "--period", "2027-03"]
    return args + ["--chunk-size", "1", "-v", "2"], env


def test_a_killed_run_started_again_gives_the_invoices_of_one_uninterrupted_run(tmp_path):
    caisse = CaisseFactory(slug="cde11")
    year, school, period = billing_setup(caisse)
    for index in range(HOUSEHOLDS):
        household, _children = enrolled_family(
            caisse,
            year,
            school,
            children=1 + index % 2,
            reference=f"F{index:03d}",
            weekdays=["12345", "1245"][index % 2],
        )
        if index % 3 == 0:
            decide(household, year, 1 + index % 10, D(2027, 3, 1 + index % 28))

    billing_run_compute(caisse=caisse, period=period)
    expected, _counts, _states = read(None)
    assert len({line[0] for line in expected}) == HOUSEHOLDS
    InvoiceLine.objects.all().delete()
    Invoice.objects.all()._raw_delete(Invoice.objects.db)
    BillingRun.objects.all().delete()

    if connection.vendor == "sqlite":
        target = str(tmp_path / "crash.sqlite3")
        destination = sqlite3.connect(target)
        connection.ensure_connection()
        connection.connection.backup(destination)
        destination.close()
        database_url = f"sqlite:///{target}"
    else:
        target = None
        settings = connection.settings_dict
        database_url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )

    args, env = command(database_url)
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in process.stdout:
        if line.startswith("3/"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    partial, _counts, states = read(target)
    assert states == [RunState.COMPUTING]
    assert len({line[0] for line in partial}) < HOUSEHOLDS

    finished = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    after, counts, states = read(target)
    assert states == [RunState.DRAFT]
    assert after == expected
    assert all(count == 1 for _household, count in counts) and len(counts) == HOUSEHOLDS
