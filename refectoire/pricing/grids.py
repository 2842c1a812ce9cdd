"""Grid administration: create, update, copy and freeze a Caisse's tariff grids; and the Paris grid
of the reference (ten tariffs by family quotient), shipped with the demo.

A grid that served an invoice is frozen: it never changes again, a new version takes over.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.pricing.enums import PackedMealPricing
from refectoire.pricing.models import TariffBracket, TariffGrid, validate_brackets
from refectoire.pricing.selectors import _year_ranges, current_grids

# (tarif, QF from, QF to (None: no top), price per meal). Tarifs 7 and 8: demo prices, not confirmed.
PARIS_BRACKETS = [
    (1, 0, 234, Decimal("0.13")),
    (2, 235, 384, Decimal("0.85")),
    (3, 385, 548, Decimal("1.62")),
    (4, 549, 959, Decimal("2.28")),
    (5, 960, 1370, Decimal("3.62")),
    (6, 1371, 1900, Decimal("4.61")),
    (7, 1901, 2500, Decimal("5.03")),
    (8, 2501, 3333, Decimal("5.34")),
    (9, 3334, 5000, Decimal("6.00")),
    (10, 5001, None, Decimal("7.00")),
]
# "Repas exceptionnels facturés au T 10"; the adult-meal price is the Caisse's (demo value).
PARIS_EXCEPTIONAL_MEAL_PRICE = Decimal("7.00")
PARIS_ADULT_MEAL_PRICE = Decimal("7.50")


class GridFrozen(ValidationError):
    pass


def _frozen_error():
    return GridFrozen(
        _("Cette grille a servi à une facture : elle ne peut plus être modifiée. Créez une nouvelle version.")
    )


# --- grids -------------------------------------------------------------------------------------


@transaction.atomic
def tariff_grid_create(
    *,
    caisse,
    school_year,
    brackets,
    adult_meal_price,
    exceptional_meal_price,
    packed_meal_pricing=PackedMealPricing.FIXED,
    packed_meal_value=Decimal("0.00"),
    copied_from=None,
) -> TariffGrid:
    """A new grid for `school_year`: version 1, or the next version if the year already has one.

    `brackets` is a list of (number, qf_min, qf_max or None, unit_price). The « panier repas »
    price (`packed_meal_pricing`: a fixed amount, or a share in % of the bracket's price, and its
    `packed_meal_value`) defaults to a fixed 0,00 €.
    """
    if school_year.caisse_id != caisse.pk:
        raise ValueError("school year of another Caisse")
    lines = [
        TariffBracket(number=number, qf_min=qf_min, qf_max=qf_max, unit_price=Decimal(price))
        for number, qf_min, qf_max, price in brackets
    ]
    validate_brackets(lines)
    last = (
        TariffGrid.objects.select_for_update()
        .filter(caisse=caisse, school_year=school_year)
        .order_by("-version")
        .first()
    )
    grid = TariffGrid(
        caisse=caisse,
        school_year=school_year,
        version=(last.version + 1) if last else 1,
        adult_meal_price=Decimal(adult_meal_price),
        exceptional_meal_price=Decimal(exceptional_meal_price),
        packed_meal_pricing=packed_meal_pricing,
        packed_meal_value=Decimal(packed_meal_value),
        copied_from=copied_from,
    )
    grid.full_clean()
    grid.save()
    for line in lines:
        line.grid = grid
        line.full_clean()
        line.save()
    return grid


@transaction.atomic
def tariff_grid_update(
    *,
    grid,
    brackets,
    adult_meal_price,
    exceptional_meal_price,
    packed_meal_pricing=None,
    packed_meal_value=None,
) -> TariffGrid:
    """Change a grid that no invoice used yet. `brackets` as for `tariff_grid_create`; the
    « panier repas » price is kept when not given."""
    grid = TariffGrid.objects.select_for_update().get(pk=grid.pk)
    if grid.is_frozen:
        raise _frozen_error()
    lines = [
        TariffBracket(grid=grid, number=number, qf_min=qf_min, qf_max=qf_max, unit_price=Decimal(price))
        for number, qf_min, qf_max, price in brackets
    ]
    validate_brackets(lines)
    grid.adult_meal_price = Decimal(adult_meal_price)
    grid.exceptional_meal_price = Decimal(exceptional_meal_price)
    if packed_meal_pricing is not None:
        grid.packed_meal_pricing = packed_meal_pricing
    if packed_meal_value is not None:
        grid.packed_meal_value = Decimal(packed_meal_value)
    grid.full_clean()
    grid.save()
    existing = {bracket.number: bracket for bracket in grid.brackets.all()}
    for line in lines:
        bracket = existing.pop(line.number, None)
        if bracket is None:
            line.full_clean()
            line.save()
            continue
        if (bracket.qf_min, bracket.qf_max, bracket.unit_price) != (
            line.qf_min,
            line.qf_max,
            line.unit_price,
        ):
            bracket.qf_min, bracket.qf_max, bracket.unit_price = line.qf_min, line.qf_max, line.unit_price
            bracket.full_clean()
            bracket.save()
    for bracket in existing.values():
        bracket.delete()
    return grid


@transaction.atomic
def tariff_grid_copy(*, grid, school_year) -> TariffGrid:
    """A new version of `grid` for `school_year` (the next year, or the same year once frozen)."""
    return tariff_grid_create(
        caisse=grid.caisse,
        school_year=school_year,
        brackets=[(b.number, b.qf_min, b.qf_max, b.unit_price) for b in grid.ordered_brackets()],
        adult_meal_price=grid.adult_meal_price,
        exceptional_meal_price=grid.exceptional_meal_price,
        packed_meal_pricing=grid.packed_meal_pricing,
        packed_meal_value=grid.packed_meal_value,
        copied_from=grid,
    )


@transaction.atomic
def tariff_grid_freeze(*, grid) -> TariffGrid:
    """Billing calls this when an invoice uses `grid`: from then on it can no longer change.

    Calling it again changes nothing.
    """
    locked = TariffGrid.objects.select_for_update().get(pk=grid.pk)
    if locked.frozen_at is None:
        locked.frozen_at = timezone.now()
        locked.save(update_fields=["frozen_at", "updated_at"])
    grid.frozen_at = locked.frozen_at
    return grid


@transaction.atomic
def tariff_grids_freeze(*, caisse, start: datetime.date, end: datetime.date) -> list[TariffGrid]:
    """Freeze the grids in force on any day of [start, end] (billing calls this for a period)."""
    years = [year for year, _lo, _hi in _year_ranges(caisse, start, end)]
    grids = current_grids(caisse=caisse, school_years=years)
    return [tariff_grid_freeze(grid=grid) for grid in grids.values()]
