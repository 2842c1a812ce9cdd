import io

import pytest
from django.core.management import call_command

from refectoire.households.enums import HouseholdAction, HouseholdState
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


def test_the_demo_has_a_household_sent_back_for_a_correction_that_its_parent_can_edit():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    claire = Household.objects.get(guardians__user__username="P11-CLAIR")
    assert claire.caisse.slug == "cde11" and claire.state == HouseholdState.DRAFT
    assert [event.action for event in claire.events.order_by("pk")] == [
        HouseholdAction.CREATED,
        HouseholdAction.SUBMITTED,
        HouseholdAction.CORRECTION_ASKED,
    ]
    assert "date de naissance de Rose" in claire.events.last().message
    assert list(claire.children.values_list("first_name", flat=True)) == ["Rose"]
