"""The family quotient (quotient familial): the one computation used by the simulator, the
parent's request and the agents' screens.

QF = (monthly net taxable resources + monthly family benefits) / number of parts (CAF method),
or, for a family not known to the CAF, revenu fiscal de référence / 12 / number of fiscal parts.
The number of parts follows the Caisse's rule (`PartsRule`), data a manager can change.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from refectoire.pricing.enums import IncomeSource

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


@dataclass(frozen=True)
class Declaration:
    """What the parent declares in the tariff request (the figures of the proof)."""

    income_source: str
    single_parent: bool = False
    children_count: int = 1
    disabled_children_count: int = 0
    declared_qf: Decimal | None = None
    benefits_number: str = ""
    reference_tax_income: Decimal | None = None
    fiscal_parts: Decimal | None = None
    monthly_resources: Decimal | None = None
    monthly_benefits: Decimal | None = None
    api_qf: Decimal | None = None

    FIELDS = (
        "income_source",
        "single_parent",
        "children_count",
        "disabled_children_count",
        "declared_qf",
        "benefits_number",
        "reference_tax_income",
        "fiscal_parts",
        "monthly_resources",
        "monthly_benefits",
    )

    @classmethod
    def of_request(cls, request) -> "Declaration":
        return cls(**{name: getattr(request, name) for name in cls.FIELDS}, api_qf=request.api_qf)


@dataclass(frozen=True)
class Estimate:
    family_quotient: Decimal
    bracket_number: int
    unit_price: Decimal


def declaration_family_quotient(declaration: Declaration, *, rule) -> Decimal:
    """The QF of a declaration, by the one computation (`compute_family_quotient`)."""
    source = declaration.income_source
    if source == IncomeSource.CAF_ATTESTATION:
        if declaration.declared_qf is None:
            raise ValidationError({"declared_qf": _("Indiquez le quotient familial de l'attestation.")})
        return Decimal(declaration.declared_qf).quantize(Decimal("0.01"))
    if source == IncomeSource.API_PARTICULIER:
        if declaration.api_qf is None:
            raise ValidationError(_("Le quotient familial de la CAF manque."))
        return Decimal(declaration.api_qf).quantize(Decimal("0.01"))
    if source == IncomeSource.TAX_NOTICE:
        errors = {}
        if declaration.reference_tax_income is None:
            errors["reference_tax_income"] = _("Indiquez le revenu fiscal de référence.")
        if not declaration.fiscal_parts:
            errors["fiscal_parts"] = _("Indiquez le nombre de parts fiscales.")
        if errors:
            raise ValidationError(errors)
        return compute_family_quotient(
            reference_tax_income=declaration.reference_tax_income, fiscal_parts=declaration.fiscal_parts
        )
    if source == IncomeSource.MONTHLY_RESOURCES:
        if declaration.monthly_resources is None:
            raise ValidationError({"monthly_resources": _("Indiquez les ressources mensuelles du foyer.")})
        if declaration.disabled_children_count > declaration.children_count:
            raise ValidationError(
                {"disabled_children_count": _("Il ne peut y avoir plus d'enfants handicapés que d'enfants.")}
            )
        return compute_family_quotient(
            monthly_resources=declaration.monthly_resources,
            monthly_benefits=declaration.monthly_benefits or Decimal("0"),
            rule=rule,
            single_parent=declaration.single_parent,
            children=declaration.children_count,
            disabled_children=declaration.disabled_children_count,
        )
    raise ValidationError({"income_source": _("Choisissez un justificatif.")})


def estimate_for(*, grid, family_quotient) -> Estimate:
    bracket = bracket_for_qf(grid, family_quotient)
    return Estimate(
        family_quotient=family_quotient, bracket_number=bracket.number, unit_price=bracket.unit_price
    )
