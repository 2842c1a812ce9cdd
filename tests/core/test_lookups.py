"""`field__any=ids` (core/lookups.py) selects exactly the rows whose column is among the ids."""

import pytest

from refectoire.households.models import Household
from refectoire.pricing.models import TariffDecision
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_any_selects_the_rows_among_the_ids(cde11):
    first, second, third = (HouseholdFactory(caisse=cde11) for _ in range(3))
    chosen = Household.objects.filter(pk__any=[first.pk, third.pk, 10**9]).values_list("pk", flat=True)
    assert sorted(chosen) == sorted([first.pk, third.pk])
    assert not Household.objects.filter(pk__any=[]).exists()
    assert list(Household.objects.filter(pk__any=(pk for pk in [second.pk]))) == [second]


def test_any_on_a_foreign_key_and_across_a_relation(cde11):
    household = HouseholdFactory(caisse=cde11)
    assert not TariffDecision.objects.filter(household_id__any=[household.pk]).exists()
    assert list(Household.objects.filter(caisse_id__any=[cde11.pk]).values_list("pk", flat=True)) == [
        household.pk
    ]
    assert Household.objects.filter(caisse__pk__any=[cde11.pk + 1]).count() == 0


def test_ids_given_as_one_value_select_the_same_rows(cde11):
    from refectoire.core.lookups import Ids

    first, second, third = (HouseholdFactory(caisse=cde11) for _ in range(3))
    wanted = [first.pk, third.pk, 10**9]
    as_list = set(Household.objects.filter(pk__any=wanted).values_list("pk", flat=True))
    as_ids = set(Household.objects.filter(pk__any=Ids(wanted)).values_list("pk", flat=True))
    assert as_list == as_ids == {first.pk, third.pk}
    assert not Household.objects.filter(pk__any=Ids([])).exists()
    assert second.pk not in as_ids
