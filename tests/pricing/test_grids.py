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


# --- the panier-repas price (issue 18) ----------------------------------------------------------


def test_a_grid_prices_the_panier_repas_at_0_by_default_and_a_copy_keeps_its_setting(cde11):
    grid = paris_grid(cde11)
    assert (grid.packed_meal_pricing, grid.packed_meal_value) == ("fixed", Decimal("0.00"))
    assert grid.packed_meal_price(Decimal("7.00")) == Decimal("0.00")
    grid = grids.tariff_grid_update(
        grid=grid,
        brackets=lines(grid),
        adult_meal_price="7.5",
        exceptional_meal_price="7",
        packed_meal_pricing="share",
        packed_meal_value="50",
    )
    grids.tariff_grid_freeze(grid=grid)
    copy = grids.tariff_grid_copy(grid=grid, school_year=grid.school_year)
    assert (copy.version, copy.packed_meal_pricing, copy.packed_meal_value) == (2, "share", Decimal("50.00"))


@pytest.mark.parametrize(
    "pricing, value, price",
    [
        ("fixed", "1.00", "1.00"),
        ("fixed", "0", "0.00"),
        ("share", "50", "1.14"),  # 2,28 × 50 %
        ("share", "12.5", "0.29"),  # 0,285 rounded half up
        ("share", "33.33", "0.76"),  # 0,759924
        ("share", "0", "0.00"),
        ("share", "100", "2.28"),
    ],
)
def test_the_panier_repas_price_of_a_bracket(cde11, pricing, value, price):
    grid = paris_grid(cde11)
    grid.packed_meal_pricing, grid.packed_meal_value = pricing, Decimal(value)
    assert grid.packed_meal_price(Decimal("2.28")) == Decimal(price)


@pytest.mark.parametrize(
    "pricing, value, message",
    [
        ("fixed", "-1", "ne peut pas être négatif"),
        ("share", "-5", "ne peut pas être négatif"),
        ("share", "100.01", "entre 0 et 100"),
        ("share", "150", "entre 0 et 100"),
        ("fixed", "1.005", "2 chiffres après la virgule"),
        ("other", "1", "n’est pas un choix valide|n'est pas un choix valide"),
    ],
)
def test_a_wrong_panier_repas_setting_is_refused_and_nothing_changes(cde11, pricing, value, message):
    grid = paris_grid(cde11)
    with pytest.raises(ValidationError, match=message) as caught:
        grids.tariff_grid_update(
            grid=grid,
            brackets=lines(grid, {10: Decimal("7.20")}),
            adult_meal_price="8",
            exceptional_meal_price="7",
            packed_meal_pricing=pricing,
            packed_meal_value=value,
        )
    assert set(caught.value.message_dict) <= {"packed_meal_value", "packed_meal_pricing"}
    grid.refresh_from_db()
    assert (grid.packed_meal_value, grid.adult_meal_price) == (Decimal("0.00"), Decimal("7.50"))
    assert grid.highest_bracket.unit_price == Decimal("7.00")


def test_a_fixed_amount_above_100_is_allowed_and_history_keeps_every_setting(cde11):
    grid = paris_grid(cde11)
    for pricing, value in [("fixed", "120"), ("share", "40")]:
        grids.tariff_grid_update(
            grid=grid,
            brackets=lines(grid),
            adult_meal_price="7.5",
            exceptional_meal_price="7",
            packed_meal_pricing=pricing,
            packed_meal_value=value,
        )
    versions = [(h.packed_meal_pricing, h.packed_meal_value) for h in grid.history.order_by("history_id")]
    assert versions == [("fixed", Decimal("0.00")), ("fixed", Decimal("120.00")), ("share", Decimal("40.00"))]
    grid.refresh_from_db()
    assert grid.packed_meal_text == "40\xa0% du prix du repas de la tranche"


def test_the_database_refuses_a_share_above_100(cde11):
    from django.db import IntegrityError, transaction

    grid = paris_grid(cde11)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(grid).objects.filter(pk=grid.pk).update(
            packed_meal_pricing="share", packed_meal_value=Decimal("101")
        )
