"""The tariff in force for a household, in one sentence: what a parent and an agent both read."""

import datetime

from django.utils.translation import gettext as _

from refectoire.core.money import format_euros
from refectoire.pricing.selectors import NoTariffGrid, bracket_in_force


def tariff_in_force_text(household, day: datetime.date, known=None, decisions=None) -> str:
    """« Tarif 4 : 2,28 € par repas » on `day`; empty when no grid covers that day. `known`: the
    Caisse's years and grids when the page read them (`pricing.selectors.caisse_pricing`);
    `decisions`: the household's (`pricing.selectors.household_decisions`)."""
    try:
        bracket = bracket_in_force(household=household, day=day, known=known, decisions=decisions)
    except NoTariffGrid:
        return ""
    return _("Tarif %(n)s : %(price)s par repas") % {
        "n": bracket.bracket_number,
        "price": format_euros(bracket.unit_price),
    }
