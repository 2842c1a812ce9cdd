import io

import pytest
from django.core.management import call_command

from refectoire.households.enums import HouseholdState
from refectoire.households.models import Child, Household

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_demo_parents_validated_households_and_runs_twice_unchanged():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Household.objects.count(), Child.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Household.objects.count(), Child.objects.count()) == counts

    allison = Household.objects.get(guardians__user__username="G4V-RNG6P")
    assert allison.caisse.slug == "cde11" and allison.state == HouseholdState.VALIDATED
    assert sorted(allison.children.values_list("first_name", flat=True)) == [
        "Elie",
        "Hikari",
        "Robin",
        "Zazou",
    ]
    ines = Household.objects.get(guardians__user__username="P19-INESM")
    patrick = Household.objects.get(guardians__user__username="P19-PATRM")
    assert ines != patrick and ines.caisse.slug == patrick.caisse.slug == "cde19"
    assert (
        Household.objects.filter(caisse__slug="cde11", reference="DEMO11-F001")
        .exclude(service_key=None)
        .exists()
    )
    assert Household.objects.filter(state=HouseholdState.SUBMITTED).count() == 2
