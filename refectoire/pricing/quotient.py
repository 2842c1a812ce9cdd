"""The family quotient (quotient familial): the one computation used by the simulator, the
parent's request and the agents' screens.

QF = (monthly net taxable resources + monthly family benefits) / number of parts (CAF method),
or, for a family not known to the CAF, revenu fiscal de référence / 12 / number of fiscal parts.
The number of parts follows the Caisse's rule (`PartsRule`), data a manager can change.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PartsRule:
    """The CAF rule for the number of parts.

    `child_by_rank[i]` is what the (i+1)-th dependent child adds; each child beyond the list
    adds `further_child`; each disabled child adds `disabled_child` on top.
    """

    couple: Decimal = Decimal("2")
    single_parent: Decimal = Decimal("2")
    child_by_rank: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.5"), Decimal("1"))
    further_child: Decimal = Decimal("0.5")
    disabled_child: Decimal = Decimal("0.5")


# The CAF method as commonly published: 2 parts for the parents (couple or single parent),
# +0,5 for each of the first two children, +1 for the third, +0,5 from the fourth, +0,5 per
# disabled child. One child: 2,5 parts; two: 3; three: 4; four: 4,5.
CAF_PARTS_RULE = PartsRule()


def household_parts(
    *, rule: PartsRule = CAF_PARTS_RULE, single_parent: bool, children: int, disabled_children: int = 0
) -> Decimal:
    if children < 0 or disabled_children < 0:
        raise ValueError("a number of children cannot be negative")
    if disabled_children > children:
        raise ValueError("more disabled children than children")
    parts = rule.single_parent if single_parent else rule.couple
    for rank in range(children):
        parts += rule.child_by_rank[rank] if rank < len(rule.child_by_rank) else rule.further_child
    parts += rule.disabled_child * disabled_children
    return parts


def _decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return value if isinstance(value, Decimal) else Decimal(value)


def compute_family_quotient(
    *,
    monthly_resources=None,
    monthly_benefits=Decimal("0"),
    parts=None,
    reference_tax_income=None,
    fiscal_parts=None,
    rule: PartsRule = CAF_PARTS_RULE,
    single_parent: bool = False,
    children: int | None = None,
    disabled_children: int = 0,
) -> Decimal:
    """The monthly family quotient in euros, rounded to the cent (half up).

    Either monthly resources (+ monthly family benefits) over `parts` (given, or computed from
    the household's composition by `rule`), or the revenu fiscal de référence / 12 / `fiscal_parts`.
    """
    if reference_tax_income is not None:
        if monthly_resources is not None:
            raise ValueError("give either monthly resources or a revenu fiscal de référence, not both")
        if fiscal_parts is None:
            raise ValueError("the revenu fiscal de référence needs the number of fiscal parts")
        divisor = _decimal(fiscal_parts)
        if divisor <= 0:
            raise ValueError("the number of parts must be positive")
        income = _decimal(reference_tax_income)
        if income < 0:
            raise ValueError("resources cannot be negative")
        return (income / 12 / divisor).quantize(CENT, rounding=ROUND_HALF_UP)
    if monthly_resources is None:
        raise ValueError("give monthly resources or a revenu fiscal de référence")
    if parts is None:
        if children is None:
            raise ValueError("give the number of parts or the household's composition")
        parts = household_parts(
            rule=rule, single_parent=single_parent, children=children, disabled_children=disabled_children
        )
    divisor = _decimal(parts)
    if divisor <= 0:
        raise ValueError("the number of parts must be positive")
    total = _decimal(monthly_resources) + _decimal(monthly_benefits)
    if total < 0:
        raise ValueError("resources cannot be negative")
    return (total / divisor).quantize(CENT, rounding=ROUND_HALF_UP)


def bracket_for_qf(grid, qf):
    """The bracket of `grid` (a TariffGrid, or its brackets) where the family quotient `qf` falls.

    Bounds are inclusive whole euros and a QF with cents falls in the bracket of its floor:
    234 → 1, 234.99 → 1, 235 → 2. A negative QF counts as 0.
    """
    brackets = sorted(grid.brackets.all() if hasattr(grid, "brackets") else grid, key=lambda b: b.number)
    if not brackets:
        raise ValueError("the grid has no bracket")
    floor = max(int(_decimal(qf).to_integral_value(rounding=ROUND_FLOOR)), 0)
    for bracket in brackets:
        if bracket.qf_min <= floor and (bracket.qf_max is None or floor <= bracket.qf_max):
            return bracket
    if floor < brackets[0].qf_min:
        return brackets[0]
    return brackets[-1]
