"""« Panier repas » days (issue 18): a validated PAI of kind « panier repas fourni par la famille »
bills its days at the grid's panier-repas price, on a line of their own, on SQLite and PostgreSQL
(the lines are written by COPY on PostgreSQL, by one prepared INSERT elsewhere)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.billing import inputs
from refectoire.billing.models import Invoice
from refectoire.billing.selectors import invoice_detail_context
from refectoire.billing.services import billing_run_compute, billing_run_issue
from refectoire.enrollment.enums import PaiKind, PaiState
from refectoire.pricing.enums import PackedMealPricing
from refectoire.pricing.models import TariffGrid
from tests.billing.runs import (
    D,
    absent,
    billing_setup,
    decide,
    enrolled_family,
    invoice_lines,
    naive_lines,
    packed_meal,
)
from tests.billing.test_run_credits import accepted_refund

PACKED_LABEL = "Repas – panier repas fourni par la famille (PAI)"


@pytest.fixture
def setup(cde11):
    return billing_setup(cde11)


def set_packed_price(caisse, pricing, value):
    TariffGrid.objects.filter(caisse=caisse).update(
        packed_meal_pricing=pricing, packed_meal_value=Decimal(value)
    )


def lines_of(household):
    return list(Invoice.objects.get(household=household).lines.order_by("position"))


def test_a_panier_repas_day_is_billed_at_the_fixed_price_on_its_own_line(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.FIXED, "1.00")
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, D(2027, 3, 15), D(2027, 3, 19))
    billing_run_compute(caisse=cde11, period=period)
    normal, packed = lines_of(household)
    assert (normal.unit_price, normal.label) == (Decimal("7.00"), f"{child.first_name} LOVINFOSSE")
    assert packed.days == ["2027-03-15", "2027-03-16", "2027-03-17", "2027-03-18", "2027-03-19"]
    assert (packed.meals, packed.unit_price, packed.amount) == (5, Decimal("1.00"), Decimal("5.00"))
    assert packed.label == f"{child.first_name} LOVINFOSSE — {PACKED_LABEL}"
    assert packed.reason == "panier repas (PAI) : prix fixé par la grille 2026-2027"
    assert packed.kind == "meals" and packed.child == child
    assert not set(normal.days) & set(packed.days)
    invoice = Invoice.objects.get(household=household)
    assert invoice.total == normal.amount + Decimal("5.00")
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_a_share_of_the_bracket_price_is_rounded_half_up_to_the_cent(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.SHARE, "12.50")
    household, (child,) = enrolled_family(cde11, year, school)
    decide(household, year, 4, D(2026, 9, 1), quotient=Decimal("700"))  # 2,28 € a meal
    packed_meal(household, child, D(2027, 3, 1), D(2027, 4, 30))
    billing_run_compute(caisse=cde11, period=period)
    [packed] = lines_of(household)
    # 2,28 × 12,5 % = 0,285 → 0,29 (half up), then × the days, rounded once at the line
    assert packed.unit_price == Decimal("0.29")
    assert packed.amount == Decimal("0.29") * packed.meals
    assert packed.reason == "panier repas (PAI) : 12,5\xa0% du prix du tarif 4 (2,28\xa0€)"
    assert packed.bracket_number == 4 and packed.family_quotient == Decimal("700")
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_by_default_the_day_costs_nothing_but_its_line_is_there(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, D(2027, 3, 1), D(2027, 3, 5))
    billing_run_compute(caisse=cde11, period=period)
    normal, packed = lines_of(household)
    assert (packed.meals, packed.unit_price, packed.amount) == (5, Decimal("0.00"), Decimal("0.00"))
    assert Invoice.objects.get(household=household).total == normal.amount


def test_a_whole_period_of_panier_repas_at_zero_still_gives_an_invoice_with_its_line(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, D(2027, 2, 1), D(2027, 5, 31))
    billing_run_compute(caisse=cde11, period=period)
    [packed] = lines_of(household)
    assert packed.amount == Decimal("0.00") and packed.meals > 20
    assert Invoice.objects.get(household=household).total == Decimal("0.00")


@pytest.mark.parametrize(
    "state, kind, first, last",
    [
        (PaiState.PENDING, PaiKind.PACKED_MEAL, D(2027, 3, 1), D(2027, 4, 30)),
        (PaiState.REFUSED, PaiKind.PACKED_MEAL, D(2027, 3, 1), D(2027, 4, 30)),
        (PaiState.CANCELLED, PaiKind.PACKED_MEAL, D(2027, 3, 1), D(2027, 4, 30)),
        (PaiState.VALIDATED, PaiKind.ADAPTED_MEAL, D(2027, 3, 1), D(2027, 4, 30)),
        (PaiState.VALIDATED, PaiKind.EVICTION, D(2027, 3, 1), D(2027, 4, 30)),
        (PaiState.VALIDATED, PaiKind.PACKED_MEAL, D(2026, 9, 1), D(2027, 2, 28)),  # ended before
        (PaiState.VALIDATED, PaiKind.PACKED_MEAL, D(2027, 5, 1), D(2027, 7, 2)),  # starts after
    ],
)
def test_other_pai_leave_the_bracket_price(cde11, setup, state, kind, first, last):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.FIXED, "1.00")
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, first, last, state=state, kind=kind)
    billing_run_compute(caisse=cde11, period=period)
    [line] = lines_of(household)
    assert (line.unit_price, line.reason) == (Decimal("7.00"), "tarif 10 : aucun justificatif de ressources")
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_only_the_child_with_the_pai_and_only_its_meal_days(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.SHARE, "50")
    household, (elie, hikari) = enrolled_family(cde11, year, school, children=2, weekdays="1245")
    packed_meal(household, elie, D(2027, 3, 8), D(2027, 3, 14))
    absent(household, elie, D(2027, 3, 9), D(2027, 3, 9))  # an absence stays an absence
    billing_run_compute(caisse=cde11, period=period)
    lines = lines_of(household)
    packed = [line for line in lines if line.label.endswith(PACKED_LABEL)]
    assert [(line.child, line.days, line.unit_price) for line in packed] == [
        (elie, ["2027-03-08", "2027-03-11", "2027-03-12"], Decimal("3.50"))
    ]
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_a_bracket_change_inside_the_pai_gives_a_panier_line_per_bracket(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.SHARE, "50")
    household, (child,) = enrolled_family(cde11, year, school)
    decide(household, year, 2, D(2027, 3, 15), quotient=Decimal("300"))
    packed_meal(household, child, D(2027, 3, 10), D(2027, 3, 19))
    billing_run_compute(caisse=cde11, period=period)
    summary = [(line.bracket_number, line.unit_price, line.meals) for line in lines_of(household)]
    assert summary[:2] == [(10, Decimal("7.00"), 7), (10, Decimal("3.50"), 3)]
    assert summary[2:4] == [(2, Decimal("0.85"), len(lines_of(household)[2].days)), (2, Decimal("0.43"), 5)]
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_the_invoice_page_shows_the_line_its_days_and_its_reason(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.FIXED, "1.50")
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, D(2027, 3, 15), D(2027, 3, 16))
    run = billing_run_compute(caisse=cde11, period=period)
    billing_run_issue(run=run)
    context = invoice_detail_context(Invoice.objects.get(household=household))
    packed = context["lines"][-1]
    assert packed.reason_text == "panier repas (PAI) : prix fixé par la grille 2026-2027"
    assert packed.billed_days == [D(2027, 3, 15), D(2027, 3, 16)]
    assert (packed.meals, packed.amount) == (2, Decimal("3.00"))


def test_a_credit_for_a_panier_day_not_invoiced_yet_gives_back_the_panier_price(cde11, setup):
    year, school, period = setup
    set_packed_price(cde11, PackedMealPricing.FIXED, "1.00")
    household, (child,) = enrolled_family(cde11, year, school)
    packed_meal(household, child, D(2027, 3, 15), D(2027, 3, 19))
    credit = accepted_refund(household, child, [D(2027, 3, 15), D(2027, 3, 22)])
    [loaded] = inputs.load_unused_credits(caisse=cde11, household_ids=[household.pk])[household.pk]
    assert loaded.id == credit.pk and loaded.amount == Decimal("8.00")  # 1,00 € + 7,00 €


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pricing=st.sampled_from([(PackedMealPricing.FIXED, "0"), (PackedMealPricing.FIXED, "1.15")])
    | st.tuples(st.just(PackedMealPricing.SHARE), st.integers(0, 100).map(str)),
    families=st.lists(
        st.tuples(
            st.sampled_from(["12345", "1245", "35"]),
            st.sampled_from(["full", "even"]),
            st.one_of(st.none(), st.tuples(st.integers(1, 10), st.integers(0, 60))),
            st.one_of(
                st.none(),
                st.tuples(
                    st.integers(-20, 55),
                    st.integers(0, 40),
                    st.sampled_from([PaiState.VALIDATED, PaiState.VALIDATED, PaiState.PENDING]),
                    st.sampled_from([PaiKind.PACKED_MEAL, PaiKind.PACKED_MEAL, PaiKind.ADAPTED_MEAL]),
                ),
            ),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_generated_households_with_pai_are_billed_as_the_day_by_day_rule_says(
    cde11, setup, pricing, families
):
    from django.db import transaction

    year, school, period = setup
    with transaction.atomic():
        set_packed_price(cde11, *pricing)
        for weekdays, custody, decision, pai in families:
            household, (child,) = enrolled_family(cde11, year, school, weekdays=weekdays, custody=custody)
            if decision:
                decide(household, year, decision[0], period.start_date + datetime.timedelta(decision[1]))
            if pai:
                first = period.start_date + datetime.timedelta(pai[0])
                packed_meal(
                    household, child, first, first + datetime.timedelta(pai[1]), state=pai[2], kind=pai[3]
                )
        billing_run_compute(caisse=cde11, period=period, chunk_size=2)
        expected = naive_lines(cde11, period)
        assert invoice_lines(period) == expected
        totals = {invoice.household_id: invoice.total for invoice in Invoice.objects.filter(period=period)}
        for household_id, total in totals.items():
            assert total == sum(line[4] for line in expected if line[0] == household_id)
        transaction.set_rollback(True)
