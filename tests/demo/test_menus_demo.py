"""The demo's menus: published menus for this week and the next in both Caisses (cde11 one menu
group, cde19 two), Allison Lovinfosse's child with a validated PAI (arachides, fruits à coque) whose
dishes are marked in « Menus », a PAI waiting for validation, meal options chosen."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from refectoire.caisses.models import Caisse
from refectoire.enrollment.enums import PaiState
from refectoire.enrollment.models import MealOptionChoice, Pai
from refectoire.menus.enums import MenuWeekState
from refectoire.menus.models import MenuGroup, MenuWeek

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_menus_and_shows_a_pai_to_its_family(client):
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    cde11, cde19 = Caisse.objects.get(slug="cde11"), Caisse.objects.get(slug="cde19")
    assert MenuGroup.objects.for_caisse(cde11).count() == 1
    assert MenuGroup.objects.for_caisse(cde19).count() == 2
    for caisse in (cde11, cde19):
        weeks = MenuWeek.objects.for_caisse(caisse).filter(state=MenuWeekState.PUBLISHED)
        assert sorted(set(weeks.values_list("monday", flat=True))) == [
            monday,
            monday + datetime.timedelta(days=7),
        ]
    validated = Pai.objects.get(state=PaiState.VALIDATED)
    assert validated.caisse == cde11 and validated.allergens == ["arachides", "fruits_a_coque"]
    assert Pai.objects.get(state=PaiState.PENDING).caisse == cde19
    assert MealOptionChoice.objects.filter(option__isnull=False).count() == 2

    client.force_login(get_user_model().objects.get(username="G4V-RNG6P"))
    page = client.get("/cde11/mon-espace/menus/").content.decode()
    assert "Attention PAI : contient Arachides" in page
    assert "Attention PAI : contient Fruits à coque" in page
