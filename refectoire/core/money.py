"""Money: rounded to the cent once, summed without float, shown the French way.

Every amount a person reads goes through `format_euros` (templates use the `euros` filter,
which calls it). Every sum of a money column goes through `money_sum`: on SQLite `Sum()` of a
decimal column comes back through a float (2035.3 → 2035.30000000000), so the aggregate is
quantized where it is computed. Machine formats (CSV columns, PES V2) keep their own
documented format (`12.50`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\xa0"


def round_money(value) -> Decimal:
    """Any number (Decimal, int, str, or the float SQLite gives back) → a Decimal in cents."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float: 2035.3, not 2035.29999…
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_sum(queryset, field: str) -> Decimal:
    """The sum of a money column over a queryset, in cents (0,00 when there is no row)."""
    return round_money(queryset.aggregate(money_sum=Sum(field))["money_sum"])


def format_euros(value) -> str:
    """2035.3 → « 2 035,30 € » with non-breaking spaces; -9.12 → « -9,12 € »."""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):,.2f}".split(".")
    return f"{sign}{whole.replace(',', NBSP)},{cents}{NBSP}€"
