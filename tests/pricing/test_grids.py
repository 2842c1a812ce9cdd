import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from refectoire.pricing import grids
from refectoire.pricing.grids import PARIS_BRACKETS
from tests.pricing.factories import paris_grid, school_year


def lines(grid, changes=None):
    changes = changes or {}
    return [
        (b.number, b.qf_min, b.qf_max, changes.get(b.number, b.unit_price)) for b in grid.ordered_brackets()
    ]


def test_a_grid_not_used_yet_can_be_changed(cde11):
    grid = paris_grid(cde11)
    grids.tariff_grid_update(
        grid=grid,
        brackets=lines(grid, {10: Decimal("7.20")}),
        adult_meal_price="8",
        exceptional_meal_price="7.2",
    )
    assert grid.highest_bracket.unit_price == Decimal("7.20")


def test_a_grid_is_frozen_once_used_by_an_invoice(cde11):
    grid = paris_grid(cde11)
    grids.tariff_grid_freeze(grid=grid)
    assert grid.is_frozen
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        grids.tariff_grid_update(
            grid=grid,
            brackets=lines(grid, {10: Decimal("7.20")}),
            adult_meal_price="8",
            exceptional_meal_price="7",
        )
    grid.refresh_from_db()
    assert grid.highest_bracket.unit_price == Decimal("7.00")


def test_freezing_twice_keeps_the_first_date(cde11):
    grid = paris_grid(cde11)
    first = grids.tariff_grid_freeze(grid=grid).frozen_at
    assert grids.tariff_grid_freeze(grid=grid).frozen_at == first


def test_billing_freezes_the_grids_of_a_period(cde11):
    grid = paris_grid(cde11)
    older = paris_grid(cde11, "2025-2026")
    grids.tariff_grids_freeze(caisse=cde11, start=datetime.date(2026, 9, 1), end=datetime.date(2026, 10, 31))
    grid.refresh_from_db()
    older.refresh_from_db()
    assert grid.is_frozen and not older.is_frozen


def test_a_new_version_is_made_for_the_next_year(cde11):
    grid = paris_grid(cde11, "2025-2026")
    grids.tariff_grid_freeze(grid=grid)
    copy = grids.tariff_grid_copy(grid=grid, school_year=school_year(cde11, "2026-2027"))
    assert (copy.version, copy.is_frozen, copy.copied_from) == (1, False, grid)
    assert lines(copy) == lines(grid)


@pytest.mark.parametrize(
    ("brackets", "message"),
    [
        ([(1, 5, 100, "1"), (2, 101, None, "2")], "commencer à 0"),
        ([(1, 0, 100, "1"), (2, 105, None, "2")], "juste après"),
        ([(1, 0, 100, "1"), (3, 101, None, "2")], "sans trou"),
        ([(1, 0, 100, "1"), (2, 101, 200, "2")], "pas avoir de borne haute"),
    ],
)
def test_a_grid_with_gaps_or_overlaps_is_refused(cde11, brackets, message):
    with pytest.raises(ValidationError, match=message):
        grids.tariff_grid_create(
            caisse=cde11,
            school_year=school_year(cde11),
            brackets=brackets,
            adult_meal_price="7",
            exceptional_meal_price="7",
        )


def test_the_paris_grid_has_ten_brackets(cde11):
    grid = paris_grid(cde11)
    assert [b.number for b in grid.ordered_brackets()] == list(range(1, 11))
    assert len(PARIS_BRACKETS) == 10
