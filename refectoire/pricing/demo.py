"""Demo: the Paris grid of the reference for both Caisses, for 2025-2026 and 2026-2027."""

import datetime

from refectoire.caisses.models import Caisse
from refectoire.pricing import services
from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
from refectoire.pricing.models import PricingSettings, TariffGrid
from refectoire.schools.models import SchoolYear

# The same keys (caisse, label) as the enrollment demo: whichever runs first creates them.
SCHOOL_YEARS = {
    "2025-2026": (datetime.date(2025, 9, 1), datetime.date(2026, 7, 3)),
    "2026-2027": (datetime.date(2026, 9, 1), datetime.date(2027, 7, 2)),
}


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in=["cde11", "cde19"]):
        PricingSettings.objects.get_or_create(caisse=caisse)
        for label, (first_day, last_day) in SCHOOL_YEARS.items():
            year, _ = SchoolYear.objects.get_or_create(
                caisse=caisse, label=label, defaults={"first_day": first_day, "last_day": last_day}
            )
            if not TariffGrid.objects.filter(caisse=caisse, school_year=year).exists():
                services.tariff_grid_create(
                    caisse=caisse,
                    school_year=year,
                    brackets=PARIS_BRACKETS,
                    adult_meal_price=PARIS_ADULT_MEAL_PRICE,
                    exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
                )
        stdout.write(f"  /{caisse.slug}/  grilles tarifaires 2025-2026 et 2026-2027 (tarifs 1 à 10)")
