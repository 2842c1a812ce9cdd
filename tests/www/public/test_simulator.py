"""« Simulation des tarifs »: public and in the portal, the same computation as the agents'."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.pricing.enums import IncomeSource
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.services import tariff_request_estimate
from tests.pricing.factories import paris_grid

pytestmark = pytest.mark.django_db


def simulate(client, curl, caisse, view="public:tariff_simulator", **params):
    query = {
        "situation": "couple",
        "children_count": "2",
        "disabled_children_count": "0",
        "income_source": "monthly",
        **params,
    }
    return client.get(curl(caisse, view), query)


def test_the_simulator_is_public_and_linked_from_the_welcome_page(client, curl, cde11):
    paris_grid(cde11)
    welcome = client.get(curl(cde11, "public:welcome")).content.decode()
    assert curl(cde11, "public:tariff_simulator") in welcome
    page = client.get(curl(cde11, "public:tariff_simulator"))
    assert page.status_code == 200
    assert "Simulation des tarifs" in page.content.decode()


def test_the_simulator_gives_the_quotient_the_bracket_and_the_price(client, curl, cde11):
    paris_grid(cde11)
    page = simulate(client, curl, cde11, monthly_resources="3 200,00").content.decode()
    assert "Tarif 5" in page
    assert "1\xa0066,67" in page or "1 066,67" in page
    assert "3,62\xa0€" in page
    assert "Tarif 5 (votre tarif)" in page  # the household's line of the grid is highlighted
    assert page.count('aria-current="true"') == 1


def test_the_simulator_keeps_the_values_and_says_what_is_missing(client, curl, cde11):
    paris_grid(cde11)
    page = simulate(client, curl, cde11, income_source="tax", reference_tax_income="30000").content.decode()
    assert "Indiquez le nombre de parts fiscales." in page
    assert 'value="30000"' in page


def test_the_simulator_of_one_caisse_shows_its_own_grid(client, curl, cde11, cde19):
    grid = paris_grid(cde19)
    grid.brackets.filter(number=5).update(unit_price=Decimal("3.99"))
    paris_grid(cde11)
    assert "3,99\xa0€" in simulate(client, curl, cde19, monthly_resources="3200").content.decode()
    assert "3,99\xa0€" not in simulate(client, curl, cde11, monthly_resources="3200").content.decode()


def test_the_portal_simulator_needs_an_account(client, curl, cde11, parent_a):
    paris_grid(cde11)
    assert client.get(curl(cde11, "portal:tariff_simulator")).status_code == 302
    client.force_login(parent_a)
    page = simulate(client, curl, cde11, view="portal:tariff_simulator", monthly_resources="3200")
    assert "Tarif 5" in page.content.decode()


money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
parts = st.decimals(min_value=Decimal("0.5"), max_value=10, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def declarations(draw):
    source = draw(
        st.sampled_from(
            [IncomeSource.MONTHLY_RESOURCES, IncomeSource.TAX_NOTICE, IncomeSource.CAF_ATTESTATION]
        )
    )
    children = draw(st.integers(min_value=0, max_value=8))
    common = {
        "single_parent": draw(st.booleans()),
        "children_count": children,
        "disabled_children_count": draw(st.integers(min_value=0, max_value=children)),
    }
    if source == IncomeSource.MONTHLY_RESOURCES:
        return Declaration(
            income_source=source, monthly_resources=draw(money), monthly_benefits=draw(money), **common
        )
    if source == IncomeSource.TAX_NOTICE:
        return Declaration(
            income_source=source, reference_tax_income=draw(money) * 10, fiscal_parts=draw(parts), **common
        )
    return Declaration(income_source=source, declared_qf=draw(money), **common)


def as_query(declaration: Declaration) -> dict:
    query = {
        "situation": "single" if declaration.single_parent else "couple",
        "children_count": str(declaration.children_count),
        "disabled_children_count": str(declaration.disabled_children_count),
        "income_source": declaration.income_source,
    }
    for name in [
        "declared_qf",
        "reference_tax_income",
        "fiscal_parts",
        "monthly_resources",
        "monthly_benefits",
    ]:
        value = getattr(declaration, name)
        if value is not None:
            query[name] = str(value).replace(".", ",")  # typed the French way
    return query


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(declaration=declarations())
def test_the_simulator_and_the_agents_computation_agree(client, curl, cde11, declaration):
    if not cde11.tariff_grids.exists():
        paris_grid(cde11)
    year = cde11.tariff_grids.get().school_year
    page = client.get(curl(cde11, "public:tariff_simulator"), as_query(declaration))
    agents = tariff_request_estimate(caisse=cde11, school_year=year, declaration=declaration)
    assert page.context["result"] == agents
