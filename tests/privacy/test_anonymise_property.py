"""Property: a household with every kind of record, anonymised, leaves none of its personal values
in any table or history table of the database, and the accounting totals do not move."""

import datetime
import string

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from refectoire.billing.models import Invoice, InvoiceLine
from refectoire.payments.models import Payment
from refectoire.privacy.enums import AnonymisationTrigger
from refectoire.privacy.services import household_anonymise
from tests.privacy.builders import build_household

pytestmark = pytest.mark.django_db(transaction=False)

TOKENS = st.text(alphabet=string.ascii_uppercase, min_size=10, max_size=14).map(lambda s: "Qx" + s)


def columns_containing(*values: str) -> list[str]:
    """Every "table.column: value" of the database whose text holds one of `values` (any case):
    one query per column of every table, history tables and e-mail log included."""
    lowered = [value.lower() for value in values]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                text = f"LOWER(CAST({connection.ops.quote_name(column.name)} AS TEXT))"
                where = " OR ".join([f"{text} LIKE %s"] * len(lowered))
                cursor.execute(
                    f"SELECT {text} FROM {connection.ops.quote_name(table)} WHERE {where}",  # noqa: S608
                    [f"%{value}%" for value in lowered],
                )
                for (cell,) in cursor.fetchall():
                    found += [f"{table}.{column.name}: {v}" for v in lowered if v in cell]
    return found


def accounting():
    return (
        list(Invoice.objects.order_by("pk").values_list("number", "total", "amount_paid", "amount_credited")),
        InvoiceLine.objects.aggregate(total=Sum("amount"), meals=Sum("meals")),
        Payment.objects.aggregate(total=Sum("amount")),
    )


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(token=TOKENS, children=st.integers(min_value=1, max_value=2), other=TOKENS)
def test_anonymised_household_leaves_no_personal_value_anywhere(cde11, token, children, other):
    if other[:8] == token[:8]:
        return
    with transaction.atomic():  # each example on its own: rolled back at the end
        check_anonymisation(cde11, token, children, other)
        transaction.set_rollback(True)


def check_anonymisation(cde11, token, children, other):
    built = build_household(cde11, token, children=children)
    neighbour = build_household(cde11, other)
    before = accounting()
    assert columns_containing(token), "the scan finds the values before"

    household_anonymise(household=built.household, trigger=AnonymisationTrigger.INACTIVITY)

    assert accounting() == before
    left = columns_containing(token, *built.tokens)
    assert left == [], left
    # The neighbour is untouched.
    assert columns_containing(f"Nom{other}")
    assert neighbour.household.guardians.get(role="primary").first_name == f"Prenom{other}"


def test_recent_invoices_keep_the_debtor_identity_until_the_accounting_retention(cde11):
    built = build_household(cde11, "QxRECENTDEBTOR", years_ago=3)
    done = household_anonymise(household=built.household, trigger=AnonymisationTrigger.INACTIVITY)
    debtor = built.household.guardians.get(role="primary")
    assert (debtor.first_name, debtor.last_name) == ("PrenomQxRECENTDEBTOR", "NomQxRECENTDEBTOR")
    assert debtor.email.endswith(".invalid") and debtor.birth_date is None and debtor.benefits_number == ""
    assert done.debtor_kept_until is not None and done.debtor_kept_until > datetime.date.today()
    assert built.household.children.get().first_name == "Anonyme"
    # Ten years on, the purge erases it.
    household_anonymise(
        household=built.household,
        trigger=AnonymisationTrigger.ACCOUNTING,
        on=done.debtor_kept_until + datetime.timedelta(days=1),
    )
    assert columns_containing("QxRECENTDEBTOR") == []
