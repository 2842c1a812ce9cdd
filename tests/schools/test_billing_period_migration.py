"""The move of BillingPeriod from billing to schools keeps the tables and their rows (issue 14).

The database is put back to main's migrations (billing 0005, schools 0002), rows are written with
the models of that state, then the migrations run forward and the rows are read back through
schools.BillingPeriod, from the runs that point to them and from the period's history. Run on
SQLite and PostgreSQL (DATABASE_URL).
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from refectoire.schools.models import BillingPeriod, SchoolYear
from tests.factories import CaisseFactory

BEFORE = [
    ("billing", "0005_invoiceevent_action_labels"),
    ("schools", "0002_historicalcalendarentry_historicalclosure_and_more"),
]
# Forward to every app's last migration (billing 0006 moves the period; later ones move Credit),
# so that the test leaves the database as the rest of the suite expects it.
AFTER = None


def migrate(targets):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_billing_periods_keep_their_rows_when_the_model_moves_to_schools():
    caisse = CaisseFactory(slug="cde11")
    year = SchoolYear.objects.create(
        caisse=caisse,
        label="2026-2027",
        first_day=datetime.date(2026, 9, 1),
        last_day=datetime.date(2027, 7, 2),
    )
    try:
        old = migrate(BEFORE)
        OldPeriod = old.get_model("billing", "BillingPeriod")
        OldHistory = old.get_model("billing", "HistoricalBillingPeriod")
        OldRun = old.get_model("billing", "BillingRun")
        assert OldPeriod._meta.db_table == BillingPeriod._meta.db_table
        period = OldPeriod.objects.create(
            caisse_id=caisse.pk,
            school_year_id=year.pk,
            label="Mars / Avril 2027",
            start_date=datetime.date(2027, 3, 1),
            end_date=datetime.date(2027, 4, 30),
            due_date=datetime.date(2027, 5, 31),
        )
        OldHistory.objects.create(
            id=period.pk,
            uuid=period.uuid,
            created_at=period.created_at,
            updated_at=period.updated_at,
            caisse_id=caisse.pk,
            school_year_id=year.pk,
            label=period.label,
            start_date=period.start_date,
            end_date=period.end_date,
            history_date=timezone.now(),
            history_type="+",
        )
        issued_at = timezone.now()
        OldRun.objects.create(
            caisse_id=caisse.pk, period_id=period.pk, state=RunState.ISSUED, issued_at=issued_at
        )
    finally:
        migrate(AFTER)

    moved = BillingPeriod.objects.get(uuid=period.uuid)
    assert (moved.pk, moved.label, moved.start_date, moved.end_date, moved.due_date) == (
        period.pk,
        "Mars / Avril 2027",
        datetime.date(2027, 3, 1),
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 31),
    )
    assert moved.school_year == year and moved.caisse == caisse
    assert BillingRun.objects.get(period=moved).issued_at == issued_at
    assert list(moved.history.values_list("history_type", flat=True)) == ["+"]
    assert moved.is_issued()
    assert list(BillingPeriod.objects.for_caisse(caisse).issued()) == [moved]
