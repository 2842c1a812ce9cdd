"""The service key: a family known to the Caisse links its account at once, once, with a pause after 5 misses."""

import pytest
from django.core.exceptions import ValidationError

from refectoire.households import services
from refectoire.households.enums import HouseholdState
from refectoire.households.models import Household
from tests.factories import HouseholdFactory
from tests.households.factories import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_family(cde11):
    household = HouseholdFactory(
        caisse=cde11, state=HouseholdState.VALIDATED, reference="F001", service_key="ENF-ABCD-2345"
    )
    GuardianFactory(household=household, first_name="Allison", last_name="Lovinfosse")
    ChildFactory(household=household, first_name="Elie")
    return household


def test_a_valid_key_links_the_account_to_the_household_at_once(cde11, parent_a, known_family):
    household = services.household_link_with_service_key(caisse=cde11, user=parent_a, key="enf abcd 2345")
    assert household == known_family
    assert Household.objects.for_user(parent_a, cde11).get() == known_family
    household.refresh_from_db()
    assert household.state == HouseholdState.VALIDATED and household.service_key_used_at is not None


def test_a_used_key_cannot_be_used_again(cde11, parent_a, parent_b, known_family):
    services.household_link_with_service_key(caisse=cde11, user=parent_a, key="ENF-ABCD-2345")
    with pytest.raises(ValidationError, match="déjà été utilisée"):
        services.household_link_with_service_key(caisse=cde11, user=parent_b, key="ENF-ABCD-2345")
    assert not Household.objects.for_user(parent_b, cde11).exists()


def test_an_unknown_key_is_a_clear_error(cde11, parent_a, known_family):
    with pytest.raises(ValidationError, match="inconnue"):
        services.household_link_with_service_key(caisse=cde11, user=parent_a, key="ENF-ZZZZ-9999")


def test_a_key_of_another_caisse_is_unknown(cde19, parent_a, known_family):
    with pytest.raises(ValidationError, match="inconnue"):
        services.household_link_with_service_key(caisse=cde19, user=parent_a, key="ENF-ABCD-2345")


def test_five_wrong_keys_then_a_pause_even_for_the_right_key(cde11, parent_a, known_family):
    for _ in range(5):
        with pytest.raises(ValidationError, match="inconnue"):
            services.household_link_with_service_key(caisse=cde11, user=parent_a, key="ENF-ZZZZ-9999")
    assert services.service_key_tries_left(parent_a) == 0
    with pytest.raises(services.ServiceKeyThrottled):
        services.household_link_with_service_key(caisse=cde11, user=parent_a, key="ENF-ABCD-2345")
    assert not Household.objects.for_user(parent_a, cde11).exists()


def test_generated_keys_are_unique(cde11):
    keys = {services.service_key_generate() for _ in range(200)}
    assert len(keys) == 200
    assert all(key.startswith("ENF-") and len(key) == 13 for key in keys)
