"""Use cases of the pricing app: grids, tariff requests and decisions.

Each function takes keyword-only arguments, validates before writing, writes in one
transaction and returns what it made. E-mails leave after commit.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.pricing.enums import DecisionSource
from refectoire.pricing.models import TariffBracket, TariffDecision, TariffGrid, validate_brackets
from refectoire.pricing.selectors import current_grids


class GridFrozen(ValidationError):
    pass


def _frozen_error():
    return GridFrozen(
        _("Cette grille a servi à une facture : elle ne peut plus être modifiée. Créez une nouvelle version.")
    )


# --- grids -------------------------------------------------------------------------------------


@transaction.atomic
def tariff_grid_create(
    *, caisse, school_year, brackets, adult_meal_price, exceptional_meal_price, copied_from=None
) -> TariffGrid:
    """A new grid for `school_year`: version 1, or the next version if the year already has one.

    `brackets` is a list of (number, qf_min, qf_max or None, unit_price).
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
def tariff_grid_update(*, grid, brackets, adult_meal_price, exceptional_meal_price) -> TariffGrid:
    """Change a grid that no invoice used yet. `brackets` as for `tariff_grid_create`."""
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
    from refectoire.pricing.selectors import _year_ranges

    years = [year for year, _lo, _hi in _year_ranges(caisse, start, end)]
    grids = current_grids(caisse=caisse, school_years=years)
    return [tariff_grid_freeze(grid=grid) for grid in grids.values()]


# --- decisions ---------------------------------------------------------------------------------


@transaction.atomic
def tariff_decision_record(
    *,
    household,
    school_year,
    bracket_number: int,
    family_quotient,
    start_date: datetime.date,
    source,
    request=None,
    decided_by=None,
    decided_on: datetime.date | None = None,
) -> TariffDecision:
    if household.caisse_id != school_year.caisse_id:
        raise ValueError("school year of another Caisse")
    grid = current_grids(caisse=household.caisse, school_years=[school_year]).get(school_year.pk)
    if grid is None:
        raise ValidationError(_("Aucune grille tarifaire pour l'année %(year)s.") % {"year": school_year})
    numbers = {bracket.number for bracket in grid.brackets.all()}
    if bracket_number not in numbers:
        raise ValidationError(
            {"bracket_number": _("Le tarif doit être compris entre 1 et %(n)d.") % {"n": max(numbers)}}
        )
    if family_quotient is not None and Decimal(family_quotient) < 0:
        raise ValidationError({"family_quotient": _("Le quotient familial ne peut pas être négatif.")})
    if not (school_year.first_day <= start_date <= school_year.last_day):
        raise ValidationError(
            {
                "start_date": _("La date d'effet doit être comprise dans l'année scolaire %(year)s.")
                % {"year": school_year}
            }
        )
    decision = TariffDecision(
        caisse_id=household.caisse_id,
        household=household,
        school_year=school_year,
        bracket_number=bracket_number,
        family_quotient=None if family_quotient is None else Decimal(family_quotient),
        start_date=start_date,
        decided_on=decided_on or timezone.localdate(),
        source=source,
        request=request,
        decided_by=decided_by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def tariff_decide_from_import(*, household, school_year, bracket, family_quotient) -> TariffDecision:
    """The families import: a decided tariff from the first day of the school year.

    Importing the same line again changes nothing (the same decision is returned).
    """
    bracket_number = int(bracket)
    quotient = None if family_quotient in (None, "") else Decimal(str(family_quotient).replace(",", "."))
    existing = TariffDecision.objects.filter(
        household=household,
        school_year=school_year,
        source=DecisionSource.IMPORT,
        start_date=school_year.first_day,
        bracket_number=bracket_number,
        family_quotient=quotient,
    ).first()
    if existing:
        return existing
    return tariff_decision_record(
        household=household,
        school_year=school_year,
        bracket_number=bracket_number,
        family_quotient=quotient,
        start_date=school_year.first_day,
        source=DecisionSource.IMPORT,
    )
