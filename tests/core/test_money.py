"""The one money formatter and the sums of money columns, on the running database."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.billing.models import InvoiceLine
from refectoire.billing.services import run_totals
from refectoire.core.money import format_euros, money_sum, round_money
from refectoire.payments.services import household_balance
from tests.billing.factories import InvoiceFactory, another_period
from tests.factories import CaisseFactory

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2035.3"), f"2{NBSP}035,30{NBSP}€"),
        (Decimal("2035.30000000000"), f"2{NBSP}035,30{NBSP}€"),
        (2035.3000000000002, f"2{NBSP}035,30{NBSP}€"),  # what SQLite's Sum() gives back
        (Decimal("0.005"), f"0,01{NBSP}€"),  # half a cent rounds up
        (Decimal("-9.12"), f"-9,12{NBSP}€"),
        (0, f"0,00{NBSP}€"),
        (Decimal("1234567.8"), f"1{NBSP}234{NBSP}567,80{NBSP}€"),
    ],
)
def test_an_amount_is_written_the_french_way_in_cents(value, shown):
    assert format_euros(value) == shown


def test_a_template_shows_amounts_through_the_formatter_and_nothing_as_a_dash():
    from django.template import Context, Template

    html = Template("{{ a|euros }} / {{ b|euros }}").render(Context({"a": Decimal("477.2"), "b": None}))
    assert html == f"477,20{NBSP}€ / —"


def test_rounding_a_float_uses_its_shortest_text():
    assert round_money(0.1 + 0.2) == Decimal("0.30")
    assert round_money(None) == Decimal("0.00")


cents = st.decimals(min_value=Decimal("-9999.99"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(cents, min_size=0, max_size=40))
def test_a_sum_of_money_on_the_database_is_the_decimal_sum_in_cents(db, amounts):
    invoice = InvoiceFactory(with_line=False)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(invoice=invoice, position=position, label="ligne", amount=amount)
            for position, amount in enumerate(amounts)
        ]
    )
    total = money_sum(InvoiceLine.objects.filter(invoice=invoice), "amount")
    expected = sum(amounts, Decimal("0.00"))
    assert total == expected
    assert total.as_tuple().exponent == -2  # 2035.30, never 2035.30000000000
    assert format_euros(total) == format_euros(expected)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    totals=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2), min_size=1, max_size=6
    )
)
def test_the_run_total_and_the_household_account_are_exact_cents(db, totals):
    """A run sums its households' invoices; a household's account sums its invoices of every period."""
    caisse = CaisseFactory()  # hypothesis's examples share the test's database
    first = InvoiceFactory(caisse=caisse, total=totals[0], issued=True, with_line=False)  # March
    for month, total in zip([1, 2, 4, 5, 6], totals[1:], strict=False):
        InvoiceFactory(caisse=caisse, period=first.period, total=total, issued=True, with_line=False)
        period = another_period(caisse, month=month)
        InvoiceFactory(
            caisse=caisse, household=first.household, period=period, total=total, issued=True, with_line=False
        )
    expected = sum(totals, Decimal("0.00"))
    run = run_totals(first.period)
    balance = household_balance(household=first.household)
    for value in (run["total"], balance["billed"], balance["due"]):
        assert value == expected and value.as_tuple().exponent == -2
