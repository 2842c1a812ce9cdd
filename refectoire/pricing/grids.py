"""The Paris grid of the reference (ten tariffs by family quotient), shipped with the demo."""

from decimal import Decimal

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
