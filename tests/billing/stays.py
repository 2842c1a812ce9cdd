"""Helpers of the stay-invoice tests: a Caisse with the Paris grid, a family with a confirmed place."""

import datetime
from decimal import Decimal

from refectoire.pricing.enums import DecisionSource
from refectoire.pricing.services import tariff_decision_record
from refectoire.stays.enums import ChoiceState
from tests.pricing.factories import paris_grid, school_year
from tests.stays.factories import HolidayStayFactory, StayChoiceFactory, family

D = datetime.date
# The winter stay of these tests: Monday 15 to Sunday 21 February 2027 (school year 2026-2027).
START = D(2027, 2, 15)


def priced_caisse(caisse):
    """The school year 2026-2027 of `caisse` and its Paris grid (10 brackets)."""
    year = school_year(caisse)
    paris_grid(caisse)
    return year


def winter_stay(caisse, **kwargs):
    """A closed stay starting on START; priced 30 € × bracket unless `fixed_price` is given."""
    kwargs.setdefault("title", "Classe de neige")
    return HolidayStayFactory(
        caisse=caisse, closed=True, start_date=START, end_date=START + datetime.timedelta(days=6), **kwargs
    )


def confirmed_place(caisse, *, user=None, stay=None, household=None, state=ChoiceState.CONFIRMED):
    """A child of a (new) family of `caisse` holding a confirmed place on `stay`."""
    if household is None:
        household, (child,) = family(caisse, user=user)
    else:
        child = household.children.first()
    stay = stay or winter_stay(caisse)
    return StayChoiceFactory(stay=stay, child=child, state=state)


def decide(household, year, bracket, start, quotient="812.50"):
    return tariff_decision_record(
        household=household,
        school_year=year,
        bracket_number=bracket,
        family_quotient=Decimal(quotient) if quotient is not None else None,
        start_date=start,
        source=DecisionSource.IMPORT,
    )
