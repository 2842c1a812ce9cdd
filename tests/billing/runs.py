"""Helpers of the run tests: a Caisse with its calendar, the Paris grid, families enrolled."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from refectoire.enrollment.enums import AbsenceState, PaiKind, PaiState
from refectoire.enrollment.models import Absence, Pai
from refectoire.enrollment.services import enrollment_create
from refectoire.pricing.enums import DecisionSource
from refectoire.pricing.models import TariffDecision, TariffGrid
from refectoire.pricing.services import tariff_decision_record
from tests.billing.factories import BillingPeriodFactory, ChildFactory, GuardianFactory
from tests.enrollment.naive import naive_meal_days
from tests.factories import HouseholdFactory
from tests.pricing.factories import paris_grid
from tests.schools.factories import SchoolFactory, school_year

D = datetime.date
PARIS_PRICES = {
    1: "0.13",
    2: "0.85",
    3: "1.62",
    4: "2.28",
    5: "3.62",
    6: "4.61",
    7: "5.03",
    8: "5.34",
    9: "6.00",
    10: "7.00",
}


def billing_setup(caisse):
    year = school_year(caisse, "2026-2027")  # with its zone C calendar
    paris_grid(caisse, "2026-2027")
    school = SchoolFactory(caisse=caisse)
    period = BillingPeriodFactory(caisse=caisse, school_year=year)
    return year, school, period


def enrolled_family(caisse, year, school, *, children=1, weekdays="12345", custody="full", reference=None):
    household = HouseholdFactory(caisse=caisse, **({"reference": reference} if reference else {}))
    GuardianFactory(household=household)
    kids = []
    for _ in range(children):
        child = ChildFactory(household=household)
        enrollment_create(
            household=household,
            child=child,
            school=school,
            school_year=year,
            weekdays=weekdays,
            custody=custody,
        )
        kids.append(child)
    return household, kids


def decide(household, year, bracket, start, quotient=None):
    return tariff_decision_record(
        household=household,
        school_year=year,
        bracket_number=bracket,
        family_quotient=quotient,
        start_date=start,
        source=DecisionSource.IMPORT,
    )


def absent(household, child, first, last):
    """An accepted absence, written as is (any days: the run must hold whatever the table holds)."""
    return Absence.objects.create(
        household=household, child=child, first_day=first, last_day=last, state=AbsenceState.ACCEPTED
    )


def packed_meal(household, child, first, last, *, state=PaiState.VALIDATED, kind=PaiKind.PACKED_MEAL):
    """A PAI of `child` (by default validated, « panier repas fourni par la famille »), written as is."""
    return Pai.objects.create(
        caisse=household.caisse,
        household=household,
        child=child,
        kind=kind,
        starts_on=first,
        ends_on=last,
        state=state,
    )


def naive_packed_price(grid, unit_price: Decimal) -> Decimal:
    """The grid's panier-repas price, from its text: a fixed amount, or a share rounded half up."""
    if grid.packed_meal_pricing == "share":
        return (unit_price * grid.packed_meal_value / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return grid.packed_meal_value


def naive_lines(caisse, period):
    """(household_id, child_id, bracket, meals, amount, days) day by day, from the rule's text.

    A day covered by a validated PAI « panier repas » of the child is billed apart at the grid's
    panier-repas price.
    """
    lines = set()
    grid = (
        TariffGrid.objects.filter(caisse=caisse, school_year=period.school_year).order_by("-version").first()
    )
    days_by_key = naive_meal_days(caisse, period.start_date, period.end_date)
    for (household_id, child_id), days in days_by_key.items():
        per_bracket = {}
        for day in days:
            decision = (
                TariffDecision.objects.filter(household_id=household_id, start_date__lte=day)
                .order_by("-start_date", "-created_at", "-pk")
                .first()
            )
            bracket = decision.bracket_number if decision else 10
            packed = Pai.objects.filter(
                child_id=child_id,
                kind=PaiKind.PACKED_MEAL,
                state=PaiState.VALIDATED,
                starts_on__lte=day,
                ends_on__gte=day,
            ).exists()
            key = (bracket, decision.pk if decision else None, packed)
            per_bracket.setdefault(key, []).append(day)
        for (bracket, _decision, packed), bracket_days in per_bracket.items():
            price = Decimal(PARIS_PRICES[bracket])
            if packed:
                price = naive_packed_price(grid, price)
            amount = price * len(bracket_days)
            lines.add((household_id, child_id, bracket, len(bracket_days), amount, tuple(bracket_days)))
    return lines


def invoice_lines(period):
    from refectoire.billing.models import InvoiceLine

    return {
        (
            line.invoice.household_id,
            line.child_id,
            line.bracket_number,
            line.meals,
            line.amount,
            tuple(D.fromisoformat(day) for day in line.days),
        )
        for line in InvoiceLine.objects.filter(invoice__period=period, kind="meals").select_related("invoice")
    }
