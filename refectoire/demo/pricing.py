"""Demo: the Paris grid of the reference for both Caisses, for 2025-2026 and 2026-2027, and a
tariff request of 2026-2027 sent by Marc Petit (cde11) and waiting for the agents' decision."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from refectoire.caisses.models import Caisse
from refectoire.demo.files import blank_pdf
from refectoire.households.models import Household
from refectoire.pricing import grids, quotient, services
from refectoire.pricing.enums import IncomeSource, PackedMealPricing
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.pricing.models import PricingSettings, TariffGrid, TariffRequest
from refectoire.schools.models import SchoolYear

# The school years of the schools step (which runs first and computes their calendars); made here
# only when this step runs alone.
SCHOOL_YEARS = {
    "2025-2026": (datetime.date(2025, 9, 1), datetime.date(2026, 7, 3)),
    "2026-2027": (datetime.date(2026, 9, 1), datetime.date(2027, 7, 2)),
}

# The price of a « panier repas » day (PAI, the family brings the meal), one way per Caisse: a fixed
# 1,00 € in cde11, half the bracket's price in cde19 (where Inès Moreau's PAI « panier repas » waits
# for an agent: once validated, the next period's invoice shows the line).
PACKED_MEAL_PRICES = {
    "cde11": {"packed_meal_pricing": PackedMealPricing.FIXED, "packed_meal_value": Decimal("1.00")},
    "cde19": {"packed_meal_pricing": PackedMealPricing.SHARE, "packed_meal_value": Decimal("50")},
}


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in=["cde11", "cde19"]):
        PricingSettings.objects.get_or_create(caisse=caisse)
        for label, (first_day, last_day) in SCHOOL_YEARS.items():
            year, _ = SchoolYear.objects.get_or_create(
                caisse=caisse, label=label, defaults={"first_day": first_day, "last_day": last_day}
            )
            if not TariffGrid.objects.filter(caisse=caisse, school_year=year).exists():
                grids.tariff_grid_create(
                    caisse=caisse,
                    school_year=year,
                    brackets=PARIS_BRACKETS,
                    adult_meal_price=PARIS_ADULT_MEAL_PRICE,
                    exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
                    **PACKED_MEAL_PRICES[caisse.slug],
                )
        stdout.write(f"  /{caisse.slug}/  grilles tarifaires 2025-2026 et 2026-2027 (tarifs 1 à 10)")
    _waiting_request(stdout)


def _waiting_request(stdout):
    """Marc Petit (P11-MARCP, cde11) sent his CAF attestation for 2026-2027: in the agents' queue."""
    user = get_user_model().objects.filter(username="P11-MARCP").first()
    household = Household.objects.filter(caisse__slug="cde11", guardians__user=user).first() if user else None
    year = SchoolYear.objects.filter(caisse__slug="cde11", label="2026-2027").first()
    if household is None or year is None or not household.is_validated:
        return
    if TariffRequest.objects.filter(household=household, school_year=year).exists():
        return
    services.tariff_request_submit(
        household=household,
        school_year=year,
        user=user,
        declaration=quotient.Declaration(
            income_source=IncomeSource.CAF_ATTESTATION,
            single_parent=True,
            children_count=1,
            declared_qf=Decimal("912"),
        ),
        proofs=[blank_pdf("attestation-caf.pdf")],  # standing for the CAF attestation
    )
    stdout.write("  /cde11/  demande de tarif 2026-2027 de P11-MARCP en attente de décision")
