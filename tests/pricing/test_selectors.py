import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refectoire.pricing import grids, services
from refectoire.pricing.enums import DecisionSource
from refectoire.pricing.selectors import BracketInForce, bracket_in_force, brackets_in_force
from tests.factories import HouseholdFactory
from tests.pricing.factories import paris_grid, school_year

D = datetime.date


@pytest.fixture
def grid(cde11):
    return paris_grid(cde11)


def decide(household, bracket, qf, start, decided_on=None, source=DecisionSource.REQUEST):
    return services.tariff_decision_record(
        household=household,
        school_year=school_year(household.caisse),
        bracket_number=bracket,
        family_quotient=None if qf is None else Decimal(qf),
        start_date=start,
        source=source,
        decided_on=decided_on or start,
    )


def test_without_decision_the_highest_bracket_applies(cde11, grid):
    household = HouseholdFactory(caisse=cde11)
    span = bracket_in_force(household=household, day=D(2026, 10, 5))
    assert span == BracketInForce(
        first_day=D(2026, 10, 5),
        last_day=D(2026, 10, 5),
        bracket_number=10,
        unit_price=Decimal("7.00"),
        family_quotient=None,
        decision_id=None,
        reason="tarif 10 : aucun justificatif de ressources",
        packed_meal_price=Decimal("0.00"),
        packed_meal_reason="panier repas (PAI) : prix fixé par la grille 2026-2027",
    )


def test_the_decided_bracket_applies_from_its_start_date(cde11, grid):
    household = HouseholdFactory(caisse=cde11)
    decision = decide(household, 4, "812", D(2026, 9, 14), decided_on=D(2026, 9, 12))
    before = bracket_in_force(household=household, day=D(2026, 9, 11))
    after = bracket_in_force(household=household, day=D(2026, 9, 14))
    assert (before.bracket_number, before.unit_price) == (10, Decimal("7.00"))
    assert (after.bracket_number, after.unit_price, after.decision_id) == (4, Decimal("2.28"), decision.pk)
    assert after.family_quotient == Decimal("812.00")
    assert after.reason == "tarif 4 : quotient familial 812,00\xa0€ (décision du 12/09/2026)"


def test_spans_are_consecutive_and_cover_the_period(cde11, grid):
    household = HouseholdFactory(caisse=cde11)
    other = HouseholdFactory(caisse=cde11)
    first = decide(household, 4, "812", D(2026, 10, 1))
    second = decide(household, 6, "1500", D(2026, 11, 15))
    spans = brackets_in_force(caisse=cde11, start=D(2026, 9, 1), end=D(2026, 12, 31))
    assert [(s.first_day, s.last_day, s.bracket_number, s.decision_id) for s in spans[household.pk]] == [
        (D(2026, 9, 1), D(2026, 9, 30), 10, None),
        (D(2026, 10, 1), D(2026, 11, 14), 4, first.pk),
        (D(2026, 11, 15), D(2026, 12, 31), 6, second.pk),
    ]
    assert [(s.first_day, s.last_day, s.bracket_number) for s in spans[other.pk]] == [
        (D(2026, 9, 1), D(2026, 12, 31), 10)
    ]


def test_a_later_decision_on_the_same_date_wins(cde11, grid):
    household = HouseholdFactory(caisse=cde11)
    decide(household, 4, "812", D(2026, 10, 1))
    correction = decide(household, 3, "500", D(2026, 10, 1))
    span = bracket_in_force(household=household, day=D(2026, 10, 2))
    assert (span.bracket_number, span.decision_id) == (3, correction.pk)


def test_a_refusal_gives_the_highest_bracket_with_its_reason(cde11, grid):
    household = HouseholdFactory(caisse=cde11)
    decide(household, 10, None, D(2026, 10, 1), decided_on=D(2026, 10, 3), source=DecisionSource.REFUSAL)
    span = bracket_in_force(household=household, day=D(2026, 10, 5))
    assert span.reason == "tarif 10 : demande refusée (décision du 03/10/2026)"


def test_a_decision_of_one_year_does_not_carry_into_the_next(cde11, grid):
    paris_grid(cde11, "2025-2026")
    household = HouseholdFactory(caisse=cde11)
    services.tariff_decision_record(
        household=household,
        school_year=school_year(cde11, "2025-2026"),
        bracket_number=2,
        family_quotient=Decimal("300"),
        start_date=D(2025, 9, 1),
        source=DecisionSource.IMPORT,
    )
    spans = brackets_in_force(
        caisse=cde11, start=D(2026, 6, 1), end=D(2026, 9, 30), household_ids=[household.pk]
    )
    assert [(s.first_day, s.last_day, s.bracket_number) for s in spans[household.pk]] == [
        (D(2026, 6, 1), D(2026, 8, 31), 2),
        (D(2026, 9, 1), D(2026, 9, 30), 10),
    ]


def test_another_caisse_decisions_are_not_seen(cde11, cde19, grid):
    paris_grid(cde19)
    household = HouseholdFactory(caisse=cde11)
    decide(household, 4, "812", D(2026, 9, 1))
    spans = brackets_in_force(caisse=cde19, start=D(2026, 9, 1), end=D(2026, 9, 30))
    assert household.pk not in spans


def test_the_whole_caisse_is_priced_in_a_few_queries(cde11, grid):
    households = [HouseholdFactory(caisse=cde11) for _ in range(30)]
    for index, household in enumerate(households[:20]):
        decide(household, 1 + index % 9, "100", D(2026, 9, 1) + datetime.timedelta(days=index))
    with CaptureQueriesContext(connection) as queries:
        spans = brackets_in_force(caisse=cde11, start=D(2026, 9, 1), end=D(2026, 10, 31))
    assert len(spans) == 30
    assert len(queries) <= 5


def test_the_highest_version_of_the_grid_is_in_force(cde11, grid):
    grids.tariff_grid_freeze(grid=grid)
    new = grids.tariff_grid_copy(grid=grid, school_year=grid.school_year)
    grids.tariff_grid_update(
        grid=new,
        brackets=[
            (b.number, b.qf_min, b.qf_max, b.unit_price + Decimal("0.10")) for b in new.ordered_brackets()
        ],
        adult_meal_price=new.adult_meal_price,
        exceptional_meal_price=new.exceptional_meal_price,
    )
    household = HouseholdFactory(caisse=cde11)
    assert bracket_in_force(household=household, day=D(2026, 9, 2)).unit_price == Decimal("7.10")


def test_the_grid_in_force_prices_summer_days_with_the_year_before(cde11, grid):
    from refectoire.pricing.selectors import grid_in_force

    older = paris_grid(cde11, "2025-2026")
    assert grid_in_force(caisse=cde11, day=D(2026, 7, 20)) == older
    assert grid_in_force(caisse=cde11, day=D(2026, 9, 1)) == grid
    assert grid_in_force(caisse=cde11, day=D(2026, 9, 1)).adult_meal_price == Decimal("7.50")


def test_a_caisse_without_grid_says_so(cde19):
    from refectoire.pricing.selectors import NoTariffGrid

    school_year(cde19)
    household = HouseholdFactory(caisse=cde19)
    with pytest.raises(NoTariffGrid):
        bracket_in_force(household=household, day=D(2026, 10, 1))
