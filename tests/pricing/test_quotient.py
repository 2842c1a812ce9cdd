from decimal import Decimal

import pytest

from refectoire.pricing.quotient import (
    CAF_PARTS_RULE,
    PartsRule,
    bracket_for_qf,
    compute_family_quotient,
    household_parts,
)
from tests.pricing.factories import paris_grid


@pytest.mark.parametrize(
    ("qf", "bracket"),
    [
        ("0", 1),
        ("234", 1),
        ("234.99", 1),
        ("235", 2),
        ("959.99", 4),
        ("960", 5),
        ("1066.67", 5),
        ("5000", 9),
        ("5000.99", 9),
        ("5001", 10),
        ("250000", 10),
    ],
)
def test_a_quotient_falls_in_the_bracket_of_its_floor(cde11, qf, bracket):
    grid = paris_grid(cde11)
    assert bracket_for_qf(grid, Decimal(qf)).number == bracket


def test_a_negative_quotient_counts_as_zero(cde11):
    assert bracket_for_qf(paris_grid(cde11), Decimal("-3")).number == 1


@pytest.mark.parametrize(
    ("single_parent", "children", "disabled", "parts"),
    [
        (False, 0, 0, "2"),
        (False, 1, 0, "2.5"),
        (False, 2, 0, "3"),
        (False, 3, 0, "4"),
        (False, 4, 0, "4.5"),
        (False, 5, 0, "5"),
        (True, 1, 0, "2.5"),
        (False, 2, 1, "3.5"),
        (True, 3, 2, "5"),
    ],
)
def test_parts_follow_the_caf_rule(single_parent, children, disabled, parts):
    assert household_parts(
        rule=CAF_PARTS_RULE, single_parent=single_parent, children=children, disabled_children=disabled
    ) == Decimal(parts)


def test_parts_follow_the_caisse_rule_as_data():
    rule = PartsRule(
        couple=Decimal("2"),
        single_parent=Decimal("1.5"),
        child_by_rank=(Decimal("0.5"),),
        further_child=Decimal("1"),
        disabled_child=Decimal("1"),
    )
    assert household_parts(rule=rule, single_parent=True, children=3, disabled_children=1) == Decimal("5.0")


def test_more_disabled_children_than_children_is_refused():
    with pytest.raises(ValueError):
        household_parts(single_parent=False, children=1, disabled_children=2)


def test_monthly_resources_over_parts_rounded_to_the_cent():
    assert compute_family_quotient(monthly_resources=Decimal("3200"), parts=Decimal("3")) == Decimal(
        "1066.67"
    )


def test_family_benefits_are_added_to_the_resources():
    qf = compute_family_quotient(
        monthly_resources=Decimal("2000"), monthly_benefits=Decimal("250"), single_parent=False, children=2
    )
    assert qf == Decimal("750.00")


def test_revenu_fiscal_de_reference_over_twelve_over_fiscal_parts():
    qf = compute_family_quotient(reference_tax_income=Decimal("36000"), fiscal_parts=Decimal("2.5"))
    assert qf == Decimal("1200.00")


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        compute_family_quotient(monthly_resources=3200.0, parts=Decimal("3"))


def test_zero_parts_is_refused():
    with pytest.raises(ValueError):
        compute_family_quotient(monthly_resources=Decimal("1000"), parts=Decimal("0"))
