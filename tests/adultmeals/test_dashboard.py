"""« Mon espace » of school staff (an account for adult meals only): the adult-meal tiles first,
the family tiles only once they declare a family; never a dead end."""

import html
import re
from decimal import Decimal

import pytest

from refectoire.households.enums import HouseholdState
from tests.billing.adults import D, adult
from tests.billing.factories import InvoiceFactory
from tests.factories import UserFactory
from tests.households.factories import household_for
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())))


def staff_with_an_unpaid_invoice(caisse, agent):
    """Sophie Garnier, a teacher registered for adult meals, validated, with one unpaid invoice."""
    teacher = UserFactory(first_name="Sophie", last_name="Garnier", email="sophie.garnier@example.fr")
    school_year(caisse, "2026-2027")
    school = SchoolFactory(caisse=caisse, name="École Keller")
    registration = adult(caisse, school, agent=agent, user=teacher, starts_on=D(2026, 9, 1))
    InvoiceFactory(
        caisse=caisse,
        household=None,
        adult_registration=registration,
        issued=True,
        total=Decimal("22.80"),
        with_line=False,
    )
    return teacher


@pytest.fixture
def teacher(cde11, agent_cde11):
    return staff_with_an_unpaid_invoice(cde11, agent_cde11)


def test_school_staff_see_their_adult_meal_tiles_first_and_their_unpaid_invoice(client, curl, cde11, teacher):
    client.force_login(teacher)
    response = client.get(curl(cde11, "portal:dashboard"))
    page = text(response)
    assert "Restauration adulte" in page and "1 facture non réglée" in page
    content = response.content.decode()
    assert content.index('id="adult-meals-title"') < content.index('id="family-title"')
    assert "Votre famille est inconnue" not in page and "Déclarer ma famille" in page
    adult_meals = curl(cde11, "portal:adult_meals")
    assert f'href="{adult_meals}"' in content and f'href="{adult_meals}#factures"' in content
    assert 'data-feature="inscription"' not in content
    assert client.get(adult_meals).status_code == 200


def test_once_their_family_is_validated_the_family_tiles_come_with_restauration_adulte(
    client, curl, cde11, teacher
):
    household_for(teacher, cde11, state=HouseholdState.VALIDATED)
    client.force_login(teacher)
    content = client.get(curl(cde11, "portal:dashboard")).content.decode()
    assert 'data-feature="inscription"' in content and 'data-feature="restauration-adulte"' in content
    assert 'id="adult-meals"' not in content


def test_a_new_account_without_family_or_registration_can_still_reach_restauration_adulte(
    client, curl, cde11, parent_a
):
    client.force_login(parent_a)
    response = client.get(curl(cde11, "portal:dashboard"))
    page = text(response)
    assert "Votre famille est inconnue" in page and 'id="adult-meals"' not in response.content.decode()
    assert f'href="{curl(cde11, "portal:adult_meals")}"' in response.content.decode()


def test_a_registration_in_another_caisse_shows_no_adult_tiles_here(client, curl, cde11, cde19, teacher):
    client.force_login(teacher)
    content = client.get(curl(cde19, "portal:dashboard")).content.decode()
    assert 'id="adult-meals"' not in content and "Votre famille est inconnue" in content
