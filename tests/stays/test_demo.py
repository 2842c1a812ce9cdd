import io

import pytest

from refectoire.core.money import format_euros
from refectoire.demo import caisses as caisses_demo
from refectoire.demo import stays as demo
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

    from refectoire.billing.models import Invoice
    from refectoire.stays.enums import ChoiceState
    from refectoire.stays.models import StayAllocation, StayApplication, StayChoice, StayChoiceEvent

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = [
        model.objects.count()
        for model in (StayApplication, StayChoice, StayChoiceEvent, StayAllocation, Invoice)
    ]
    call_command("seed_demo", stdout=io.StringIO())
    assert [
        model.objects.count()
        for model in (StayApplication, StayChoice, StayChoiceEvent, StayAllocation, Invoice)
    ] == counts  # running the demo again changes nothing
    (choice,) = StayChoice.objects.filter(state=ChoiceState.CONFIRMED)
    assert (choice.child.first_name, choice.stay.title) == ("Léo", "Classe de neige à Samoëns")
    assert choice.application.household.guardians.filter(user__username="P19-INESM").exists()
    invoice = choice.invoice
    assert invoice.period is None and invoice.number is not None and invoice.amount_due == invoice.total > 0
    assert invoice.lines.get().kind == "stay"
    assert f"facture {invoice.number} de {format_euros(invoice.total)}." in out.getvalue()


def test_the_demo_stay_was_allocated_with_its_seed_so_the_back_office_does_not_offer_it_again(client):
    from django.core.management import call_command

    from refectoire.accounts.models import User
    from refectoire.caisses.urls import caisse_reverse
    from refectoire.demo.stays import DEMO_ALLOCATION_SEED
    from refectoire.stays.enums import ChoiceState
    from refectoire.stays.models import StayAllocation, StayChoice
    from refectoire.stays.selectors import child_ref

    call_command("seed_demo", stdout=io.StringIO())
    stay = HolidayStay.objects.get(caisse__slug="cde19", title="Classe de neige à Samoëns")
    allocation = StayAllocation.objects.get(stay=stay)
    assert allocation.seed == DEMO_ALLOCATION_SEED
    assert allocation.allocated_by.username == "A19-AGENT"
    choice = StayChoice.objects.get(stay=stay)
    assert allocation.result == f"{child_ref(choice.child)};1;allocated;"
    assert choice.lottery_position == 1 and choice.had_priority
    # The journey, in its history: sent, given a place by the lottery, confirmed by the family.
    assert [(event.from_state, event.to_state) for event in choice.events.order_by("created_at", "pk")] == [
        ("", ChoiceState.SUBMITTED),
        (ChoiceState.SUBMITTED, ChoiceState.ALLOCATED),
        (ChoiceState.ALLOCATED, ChoiceState.CONFIRMED),
    ]
    assert f"graine {DEMO_ALLOCATION_SEED}" in choice.events.get(to_state=ChoiceState.ALLOCATED).message

    client.force_login(User.objects.get(username="A19-AGENT"))
    page = client.get(caisse_reverse(stay.caisse, "backoffice:stay_detail", kwargs={"stay_uuid": stay.uuid}))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Graine du tirage au sort : <strong>{DEMO_ALLOCATION_SEED}</strong>" in text
    assert (
        caisse_reverse(stay.caisse, "backoffice:stay_allocate", kwargs={"stay_uuid": stay.uuid}) not in text
    )
