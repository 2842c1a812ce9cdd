"""The engine: meal days × brackets in force × credits → lines, with plain data (no database)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refectoire.billing.engine import Credit, compute_lines, invoice_total

D = datetime.date


@dataclass(frozen=True)
class Span:  # the shape of pricing's BracketInForce
    first_day: datetime.date
    last_day: datetime.date
    bracket_number: int
    unit_price: Decimal
    family_quotient: Decimal | None = None
    decision_id: int | None = None
    reason: str = ""
    packed_meal_price: Decimal = Decimal("0.00")
    packed_meal_reason: str = ""


def whole_period(bracket=10, price="7.00", reason="tarif 10 : aucun justificatif de ressources"):
    return [Span(D(2027, 3, 1), D(2027, 4, 30), bracket, Decimal(price), None, None, reason)]


def test_one_line_per_child_with_meals_unit_price_and_amount():
    lines = compute_lines(
        meal_days={(1, 10): [D(2027, 3, 1), D(2027, 3, 2)], (1, 11): [D(2027, 3, 4)]},
        brackets={1: whole_period()},
    )
    assert [(line.child_id, line.meals, line.unit_price, line.amount) for line in lines[1]] == [
        (10, 2, Decimal("7.00"), Decimal("14.00")),
        (11, 1, Decimal("7.00"), Decimal("7.00")),
    ]
    assert lines[1][0].days == [D(2027, 3, 1), D(2027, 3, 2)]
    assert lines[1][0].reason == "tarif 10 : aucun justificatif de ressources"


def test_a_bracket_change_inside_the_period_gives_two_lines():
    spans = [
        Span(D(2027, 3, 1), D(2027, 3, 14), 10, Decimal("7.00"), None, None, "tarif 10"),
        Span(D(2027, 3, 15), D(2027, 4, 30), 3, Decimal("1.62"), Decimal("560"), 77, "tarif 3 — QF 560 €"),
    ]
    lines = compute_lines(
        meal_days={(1, 10): [D(2027, 3, 12), D(2027, 3, 15), D(2027, 3, 16)]}, brackets={1: spans}
    )
    assert [(line.bracket_number, line.meals, line.amount, line.decision_id) for line in lines[1]] == [
        (10, 1, Decimal("7.00"), None),
        (3, 2, Decimal("3.24"), 77),
    ]
    assert lines[1][1].days == [D(2027, 3, 15), D(2027, 3, 16)]


def test_amount_is_rounded_once_at_the_line():
    lines = compute_lines(
        meal_days={(1, 10): [D(2027, 3, day) for day in (1, 2, 3)]},
        brackets={1: whole_period(price="0.335")},
    )
    assert lines[1][0].amount == Decimal("1.01")  # 3 × 0.335 = 1.005, rounded half up once


def test_a_household_with_nothing_to_bill_gets_no_line_even_with_credits():
    lines = compute_lines(
        meal_days={(1, 10): []},
        brackets={1: whole_period()},
        credits={1: [Credit(5, Decimal("3.00"), "avoir")]},
    )
    assert lines == {}


def test_credits_become_negative_lines_and_only_whole_credits_that_fit_are_used():
    lines = compute_lines(
        meal_days={(1, 10): [D(2027, 3, 1), D(2027, 3, 2)]},
        brackets={1: whole_period()},
        credits={
            1: [Credit(5, Decimal("3.00"), "Remboursement maladie"), Credit(6, Decimal("50.00"), "trop")]
        },
    )
    credit_lines = [line for line in lines[1] if line.is_credit]
    assert [(line.credit_id, line.amount, line.child_id) for line in credit_lines] == [
        (5, Decimal("-3.00"), None)
    ]
    assert invoice_total(lines[1]) == Decimal("11.00")


def test_a_day_without_bracket_in_force_is_an_error():
    spans = [Span(D(2027, 3, 10), D(2027, 4, 30), 10, Decimal("7.00"))]
    with pytest.raises(ValueError):
        compute_lines(meal_days={(1, 10): [D(2027, 3, 1)]}, brackets={1: spans})


def test_panier_repas_days_go_on_their_own_line_after_the_span_line_even_at_zero():
    spans = [
        Span(
            D(2027, 3, 1),
            D(2027, 3, 14),
            10,
            Decimal("7.00"),
            None,
            None,
            "tarif 10",
            Decimal("0.00"),
            "panier 0",
        ),
        Span(
            D(2027, 3, 15),
            D(2027, 4, 30),
            3,
            Decimal("1.62"),
            None,
            77,
            "tarif 3",
            Decimal("0.81"),
            "panier 3",
        ),
    ]
    days = [D(2027, 3, 1), D(2027, 3, 12), D(2027, 3, 15), D(2027, 3, 16), D(2027, 3, 22)]
    lines = compute_lines(
        meal_days={(1, 10): days, (1, 11): [D(2027, 3, 12)]},
        brackets={1: spans},
        packed_meals={10: [(D(2027, 3, 10), D(2027, 3, 13)), (D(2027, 3, 16), D(2027, 3, 16))]},
    )
    assert [(x.child_id, x.packed_meal, x.days, x.unit_price, x.amount, x.reason) for x in lines[1]] == [
        (10, False, [D(2027, 3, 1)], Decimal("7.00"), Decimal("7.00"), "tarif 10"),
        (10, True, [D(2027, 3, 12)], Decimal("0.00"), Decimal("0.00"), "panier 0"),
        (10, False, [D(2027, 3, 15), D(2027, 3, 22)], Decimal("1.62"), Decimal("3.24"), "tarif 3"),
        (10, True, [D(2027, 3, 16)], Decimal("0.81"), Decimal("0.81"), "panier 3"),
        (11, False, [D(2027, 3, 12)], Decimal("7.00"), Decimal("7.00"), "tarif 10"),
    ]
    assert lines[1][3].decision_id == 77


PERIOD_DAYS = [D(2027, 3, 1) + datetime.timedelta(days=i) for i in range(61)]


@st.composite
def households(draw):
    meal_days, brackets = {}, {}
    for household_id in range(1, draw(st.integers(1, 4)) + 1):
        cuts = sorted(draw(st.sets(st.integers(1, 60), max_size=3)))
        bounds = [0, *cuts, 61]
        spans = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            bracket = draw(st.integers(1, 10))
            price = Decimal(draw(st.integers(13, 700))) / 100
            spans.append(
                Span(PERIOD_DAYS[start], PERIOD_DAYS[end - 1], bracket, price, None, None, f"tarif {bracket}")
            )
        brackets[household_id] = spans
        for child_id in range(draw(st.integers(1, 3))):
            days = draw(st.lists(st.sampled_from(PERIOD_DAYS), unique=True, max_size=40))
            meal_days[(household_id, household_id * 10 + child_id)] = days
    return meal_days, brackets


@settings(max_examples=60, deadline=None)
@given(households())
def test_lines_agree_with_a_day_by_day_computation(data):
    meal_days, brackets = data
    lines = compute_lines(meal_days=meal_days, brackets=brackets)
    for household_id, spans in brackets.items():
        expected_meals = 0
        expected_total = Decimal("0")
        for (hh, _child), days in meal_days.items():
            if hh != household_id:
                continue
            for day in days:
                span = next(s for s in spans if s.first_day <= day <= s.last_day)
                expected_meals += 1
                expected_total += span.unit_price
        got = lines.get(household_id, [])
        assert sum(line.meals for line in got) == expected_meals
        # Each line is rounded once; prices here have 2 decimals, so totals agree exactly.
        assert invoice_total(got) == expected_total
        billed = sorted(day for line in got for day in line.days)
        assert billed == sorted(
            day for (hh, _c), days in meal_days.items() if hh == household_id for day in days
        )
        for line in got:
            span = next(s for s in spans if s.first_day <= line.days[0] <= s.last_day)
            assert all(span.first_day <= day <= span.last_day for day in line.days)
            assert line.unit_price == span.unit_price
