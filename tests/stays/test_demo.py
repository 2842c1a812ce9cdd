import io

import pytest

from refectoire.caisses import demo as caisses_demo
from refectoire.stays import demo
from refectoire.stays.models import HolidayStay, StayPrice

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_three_stays_in_cde19_once_one_open():
    caisses_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    stays = HolidayStay.objects.filter(caisse__slug="cde19")
    assert stays.count() == 3
    assert [stay.title for stay in stays if stay.is_open] == ["Mer et voile à Pornic"]
    assert StayPrice.objects.count() == 20


def test_the_demo_has_a_confirmed_place_invoiced_for_leo_of_p19_inesm():
    from django.core.management import call_command

    from refectoire.stays.enums import ChoiceState
    from refectoire.stays.models import StayChoice

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    (choice,) = StayChoice.objects.filter(state=ChoiceState.CONFIRMED)
    assert (choice.child.first_name, choice.stay.title) == ("Léo", "Classe de neige à Samoëns")
    assert choice.application.household.guardians.filter(user__username="P19-INESM").exists()
    invoice = choice.invoice
    assert invoice.period is None and invoice.number is not None and invoice.amount_due == invoice.total > 0
    assert invoice.lines.get().kind == "stay"
