"""« Simulation des tarifs »: public and in the portal, the same computation as the agents'."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.pricing.enums import IncomeSource
from refectoire.pricing.services import Declaration, tariff_request_estimate
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
    assert "3,62 €" in page
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
    assert "3,99 €" in simulate(client, curl, cde19, monthly_resources="3200").content.decode()
    assert "3,99 €" not in simulate(client, curl, cde11, monthly_resources="3200").content.decode()


def test_the_portal_simulator_needs_an_account(client, curl, cde11, parent_a):
    paris_grid(cde11)
    assert client.get(curl(cde11, "portal:tariff_simulator")).status_code == 302
    client.force_login(parent_a)
    page = simulate(client, curl, cde11, view="portal:tariff_simulator", monthly_resources="3200")
    assert "Tarif 5" in page.content.decode()


money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    resources=money,
    benefits=money,
    children=st.integers(min_value=0, max_value=8),
    disabled=st.integers(min_value=0, max_value=8),
    single=st.booleans(),
)
def test_the_simulator_and_the_agents_computation_agree(
    client, curl, cde11, resources, benefits, children, disabled, single
):
    disabled = min(disabled, children)
    if not cde11.tariff_grids.exists():
        paris_grid(cde11)
    year = cde11.tariff_grids.get().school_year
    page = simulate(
        client,
        curl,
        cde11,
        situation="single" if single else "couple",
        children_count=str(children),
        disabled_children_count=str(disabled),
        monthly_resources=str(resources).replace(".", ","),
        monthly_benefits=str(benefits),
    )
    result = page.context["result"]
    agents = tariff_request_estimate(
        caisse=cde11,
        school_year=year,
        declaration=Declaration(
            income_source=IncomeSource.MONTHLY_RESOURCES,
            single_parent=single,
            children_count=children,
            disabled_children_count=disabled,
            monthly_resources=resources,
            monthly_benefits=benefits,
        ),
    )
    assert result == agents
