"""The billing run on the real inputs: enrollment's meal days, pricing's brackets in force."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun, Invoice, InvoiceLine
from refectoire.billing.services import billing_run_compute
from refectoire.enrollment.services import enrollment_cancel
from tests.billing.runs import (
    D,
    absent,
    billing_setup,
    decide,
    enrolled_family,
    invoice_lines,
    naive_lines,
)


@pytest.fixture
def setup(cde11):
    return billing_setup(cde11)


def test_one_invoice_per_household_one_line_per_child_at_the_default_tariff(cde11, setup):
    year, school, period = setup
    household, (elie, hikari) = enrolled_family(cde11, year, school, children=2)
    billing_run_compute(caisse=cde11, period=period)
    invoice = Invoice.objects.get(household=household)
    lines = list(invoice.lines.order_by("position"))
    assert [line.child for line in lines] == sorted([elie, hikari], key=lambda c: c.pk)
    assert {line.unit_price for line in lines} == {Decimal("7.00")}
    assert lines[0].reason == "tarif 10 : aucun justificatif de ressources"
    assert invoice.total == sum(line.amount for line in lines)
    assert lines[0].meals == len(lines[0].days) > 20
    assert invoice.state == "draft" and invoice.number is None
    assert BillingRun.objects.get(period=period).state == RunState.DRAFT


def test_a_bracket_change_inside_the_period_gives_two_lines(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    decide(household, year, 4, D(2026, 9, 1), quotient=Decimal("700"))
    decision = decide(household, year, 2, D(2027, 3, 15), quotient=Decimal("300"))
    billing_run_compute(caisse=cde11, period=period)
    first, second = Invoice.objects.get(household=household).lines.order_by("position")
    assert (first.bracket_number, first.unit_price, max(first.days) < "2027-03-15") == (
        4,
        Decimal("2.28"),
        True,
    )
    assert (second.bracket_number, second.unit_price, min(second.days) >= "2027-03-15") == (
        2,
        Decimal("0.85"),
        True,
    )
    assert second.decision_id == decision.pk and second.family_quotient == Decimal("300")
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_absences_weekdays_custody_and_enrollment_end_agree_with_the_day_by_day_rule(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school, weekdays="1245")
    absent(household, child, D(2027, 3, 8), D(2027, 3, 10))
    enrolled_family(cde11, year, school, custody="even")
    ending, (leaver,) = enrolled_family(cde11, year, school)
    enrollment_cancel(enrollment=leaver.enrollments.get(), last_day=D(2027, 3, 19))
    billing_run_compute(caisse=cde11, period=period)
    assert invoice_lines(period) == naive_lines(cde11, period)
    assert max(Invoice.objects.get(household=ending).lines.get().days) <= "2027-03-19"


def test_a_household_with_nothing_to_bill_gets_no_invoice(cde11, setup):
    year, school, period = setup
    gone, (child,) = enrolled_family(cde11, year, school)
    enrollment_cancel(enrollment=child.enrollments.get(), last_day=D(2027, 2, 26))
    billing_run_compute(caisse=cde11, period=period)
    assert not Invoice.objects.filter(household=gone).exists()


def test_a_draft_is_recomputed_freely_and_gives_the_same_invoices(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    billing_run_compute(caisse=cde11, period=period, chunk_size=1)
    before = invoice_lines(period)
    decide(household, year, 3, D(2026, 9, 1))
    billing_run_compute(caisse=cde11, period=period, chunk_size=1)
    after = invoice_lines(period)
    assert {line[2] for line in after} == {3} and len(after) == len(before)
    assert Invoice.objects.filter(period=period).count() == 1
    assert InvoiceLine.objects.filter(invoice__period=period).count() == 1


def test_the_command_computes_issues_and_exports(cde11, setup, capsys):
    year, school, period = setup
    for reference in ("F2", "F1"):
        enrolled_family(cde11, year, school, reference=reference)
    call_command("billing_run", "--caisse", "cde11", "--period", "2027-03", "--issue")
    assert "2 facture(s) émise(s)." in capsys.readouterr().out
    assert list(Invoice.objects.order_by("number").values_list("household__reference", "number")) == [
        ("F1", 1),
        ("F2", 2),
    ]
    with pytest.raises(ValidationError):
        billing_run_compute(caisse=cde11, period=period)
    call_command("export_invoices", "--caisse", "cde11", "--period", "2027-03")
    rows = capsys.readouterr().out.splitlines()
    assert [row.split(";")[:2] for row in rows[1:]] == [["1", "F1"], ["2", "F2"]]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    families=st.lists(
        st.tuples(
            st.sampled_from(["12345", "1245", "124", "35"]),
            st.sampled_from(["full", "even", "odd"]),
            st.one_of(st.none(), st.tuples(st.integers(1, 10), st.integers(0, 60))),
            st.one_of(st.none(), st.tuples(st.integers(0, 55), st.integers(0, 6))),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_generated_households_are_billed_as_the_day_by_day_rule_says(cde11, setup, families):
    from django.db import transaction

    year, school, period = setup
    with transaction.atomic():
        for weekdays, custody, decision, absence in families:
            household, (child,) = enrolled_family(cde11, year, school, weekdays=weekdays, custody=custody)
            if decision:
                decide(household, year, decision[0], period.start_date + datetime.timedelta(decision[1]))
            if absence:
                first = period.start_date + datetime.timedelta(absence[0])
                absent(household, child, first, first + datetime.timedelta(absence[1]))
        billing_run_compute(caisse=cde11, period=period, chunk_size=2)
        assert invoice_lines(period) == naive_lines(cde11, period)
        totals = {invoice.household_id: invoice.total for invoice in Invoice.objects.filter(period=period)}
        for household_id, total in totals.items():
            assert total == sum(line[4] for line in naive_lines(cde11, period) if line[0] == household_id)
        transaction.set_rollback(True)
