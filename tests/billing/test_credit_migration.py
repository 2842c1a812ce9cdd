"""Credit's move from requests to billing keeps its rows, and its invoice's UUID becomes a foreign key.

Runs the migrations themselves (billing 0006-0007, requests 0003) backwards and forwards on the
test database, SQLite or PostgreSQL alike.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import PROTECT, ProtectedError

from refectoire.billing.models import Credit as CurrentCredit
from refectoire.billing.models import Invoice as CurrentInvoice
from tests.enrollment.factories import ChildFactory, HouseholdFactory
from tests.factories import CaisseFactory

BEFORE = [("billing", "0005_invoiceevent_action_labels"), ("requests", "0002_input_bounds")]
# Forward to every app's last migration (billing 0008 and requests 0003 move Credit; the apps built
# on billing since, e.g. directdebit, come back too), so the database is left as the suite expects.
AFTER = None


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_credit_rows_and_their_invoice_survive_the_move_to_billing():
    # Apps the migrations leave alone: made with today's models, read through the old ones.
    current_caisse = CaisseFactory()
    current_child = ChildFactory(household=HouseholdFactory(caisse=current_caisse))
    old = migrate(BEFORE)
    try:
        caisse = old.get_model("caisses", "Caisse").objects.get(pk=current_caisse.pk)
        household = old.get_model("households", "Household").objects.get(pk=current_child.household_id)
        child = old.get_model("households", "Child").objects.get(pk=current_child.pk)
        Invoice = old.get_model("billing", "Invoice")
        Request = old.get_model("requests", "Request")
        OldCredit = old.get_model("requests", "Credit")
        assert OldCredit._meta.db_table == "requests_credit"
        invoice = Invoice.objects.create(
            caisse=caisse, household=household, label="Janvier", total=Decimal("10")
        )
        used, unused = (
            OldCredit.objects.create(
                caisse=caisse,
                household=household,
                child=child,
                request=Request.objects.create(caisse=caisse, household=household),
                meal_count=1,
                **fields,
            )
            for fields in (
                {"days": ["2027-01-04"], "amount": Decimal("3.42"), "used_by_invoice": invoice.uuid},
                {"days": ["2027-01-05"]},
            )
        )
    finally:
        new = migrate(AFTER)

    Credit = new.get_model("billing", "Credit")
    assert Credit._meta.db_table == "billing_credit"
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "billing_credit" in tables and "requests_credit" not in tables
    assert "billing_historicalcredit" in tables and "requests_historicalcredit" not in tables
    moved = Credit.objects.get(pk=used.pk)
    assert (moved.uuid, moved.used_by_invoice_id, moved.amount) == (used.uuid, invoice.uuid, Decimal("3.42"))
    assert moved.used_by_invoice.pk == invoice.pk
    assert Credit.objects.get(pk=unused.pk).used_by_invoice_id is None

    # The invoice that used a credit can no longer go while the credit refers to it.
    assert CurrentCredit._meta.get_field("used_by_invoice").remote_field.on_delete is PROTECT
    with pytest.raises(ProtectedError):
        CurrentInvoice.objects.get(pk=invoice.pk).delete()
    Credit.objects.filter(pk__in=[used.pk, unused.pk]).delete()
