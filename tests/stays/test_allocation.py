import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.stays.enums import ChoiceState
from refectoire.stays.jobs import expire_stay_places
from refectoire.stays.models import StayAllocation, StayChoice
from refectoire.stays.services import (
    stay_allocate,
    stay_choice_confirm,
    stay_choice_refuse,
    stay_choice_withdraw,
    stay_places_expire,
    stay_save,
)
from tests.stays.factories import GuardianFactory, HolidayStayFactory, StayChoiceFactory

pytestmark = pytest.mark.django_db


def wishes(stay, count, rank=1):
    return [StayChoiceFactory(stay=stay, rank=rank) for _ in range(count)]


def states(choices):
    return [StayChoice.objects.get(pk=c.pk).state for c in choices]


def test_places_cannot_be_given_while_the_window_is_open(cde19):
    stay = HolidayStayFactory(caisse=cde19)
    wishes(stay, 2)
    with pytest.raises(ValidationError, match="après la clôture"):
        stay_allocate(stay=stay, seed=1)


def test_capacity_is_never_exceeded_and_the_others_wait_in_order(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=3)
    choices = wishes(stay, 7)
    allocation = stay_allocate(stay=stay, seed=42)
    assert StayChoice.objects.filter(stay=stay, state=ChoiceState.ALLOCATED).count() == 3
    waiting = StayChoice.objects.filter(stay=stay, state=ChoiceState.WAITING).order_by("waiting_rank")
    assert [c.waiting_rank for c in waiting] == [1, 2, 3, 4]
    assert allocation.seed == 42 and len(allocation.result.splitlines()) == len(choices)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    capacity=st.integers(min_value=1, max_value=6),
    count=st.integers(min_value=0, max_value=9),
    seed=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_capacity_holds_for_any_number_of_wishes_and_any_seed(cde19, capacity, count, seed):
    with transaction.atomic():
        stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=capacity)
        wishes(stay, count)
        stay_allocate(stay=stay, seed=seed)
        allocated = StayChoice.objects.filter(stay=stay, state=ChoiceState.ALLOCATED).count()
        assert allocated == min(capacity, count)
        assert StayChoice.objects.filter(stay=stay, state=ChoiceState.WAITING).count() == count - allocated
        transaction.set_rollback(True)


def test_the_same_seed_on_the_same_wishes_gives_the_same_draw(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=3)
    wishes(stay, 8)
    results = []
    for seed in (42, 42, 7):
        with transaction.atomic():
            results.append(stay_allocate(stay=stay, seed=seed).result)
            transaction.set_rollback(True)
    assert results[0] == results[1]
    assert results[0] != results[2]


def test_children_who_never_went_on_a_stay_come_first(cde19):
    last_winter = HolidayStayFactory(
        caisse=cde19,
        application_opens_on=datetime.date(2020, 1, 1),
        application_closes_on=datetime.date(2020, 1, 15),
        start_date=datetime.date(2020, 2, 10),
        end_date=datetime.date(2020, 2, 16),
    )
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=2)
    veterans = wishes(stay, 4)
    for veteran in veterans:
        StayChoiceFactory(stay=last_winter, child=veteran.child, state=ChoiceState.CONFIRMED)
    newcomers = wishes(stay, 2)
    for seed in range(5):
        with transaction.atomic():
            stay_allocate(stay=stay, seed=seed)
            assert states(newcomers) == [ChoiceState.ALLOCATED] * 2
            assert set(states(veterans)) == {ChoiceState.WAITING}
            assert all(StayChoice.objects.get(pk=c.pk).had_priority for c in newcomers)
            transaction.set_rollback(True)


def test_wishes_are_taken_rank_by_rank(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=2)
    second_choices = wishes(stay, 3, rank=2)
    first_choices = wishes(stay, 2, rank=1)
    stay_allocate(stay=stay, seed=3)
    assert states(first_choices) == [ChoiceState.ALLOCATED] * 2
    assert set(states(second_choices)) == {ChoiceState.WAITING}


def test_a_place_on_a_first_choice_ends_the_worse_ranked_wishes(cde19):
    first = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    second = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    wish_1 = StayChoiceFactory(stay=first, rank=1)
    wish_2 = StayChoiceFactory(stay=second, rank=2, child=wish_1.child, application=wish_1.application)
    stay_allocate(stay=first, seed=1)
    assert states([wish_1, wish_2]) == [ChoiceState.ALLOCATED, ChoiceState.CANCELLED]


def test_a_withdrawal_promotes_the_first_on_the_waiting_list(cde19, mailoutbox):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    choices = wishes(stay, 3)
    stay_allocate(stay=stay, seed=5)
    holder = StayChoice.objects.get(stay=stay, state=ChoiceState.ALLOCATED)
    first_waiting = StayChoice.objects.get(stay=stay, waiting_rank=1)
    second_waiting = StayChoice.objects.get(stay=stay, waiting_rank=2)
    assert second_waiting.waiting_position == 2
    stay_choice_withdraw(choice=holder, actor=None, reason="Malade")
    assert states([holder, first_waiting, second_waiting]) == [
        ChoiceState.CANCELLED,
        ChoiceState.ALLOCATED,
        ChoiceState.WAITING,
    ]
    assert StayChoice.objects.get(pk=second_waiting.pk).waiting_position == 1
    assert [e.to_state for e in first_waiting.events.all()] == [ChoiceState.WAITING, ChoiceState.ALLOCATED]
    assert len(choices) == 3


def test_a_confirmed_place_withdrawn_goes_to_the_waiting_list_too(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    wishes(stay, 2)
    stay_allocate(stay=stay, seed=5)
    holder = StayChoice.objects.get(stay=stay, state=ChoiceState.ALLOCATED)
    stay_choice_confirm(choice=holder, actor=None)
    stay_choice_withdraw(choice=holder, actor=None)
    assert StayChoice.objects.filter(stay=stay, state=ChoiceState.ALLOCATED).count() == 1


def test_a_place_not_confirmed_in_time_goes_to_the_waiting_list(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1, confirmation_days=7)
    wishes(stay, 2)
    stay_allocate(stay=stay, seed=9)
    holder = StayChoice.objects.get(stay=stay, state=ChoiceState.ALLOCATED)
    waiting = StayChoice.objects.get(stay=stay, state=ChoiceState.WAITING)
    assert stay_places_expire(now=timezone.now() + datetime.timedelta(days=6)) == []
    expired = stay_places_expire(now=timezone.now() + datetime.timedelta(days=8))
    assert [c.pk for c in expired] == [holder.pk]
    assert states([holder, waiting]) == [ChoiceState.CANCELLED, ChoiceState.ALLOCATED]
    assert holder.events.last().message == "Délai de confirmation dépassé."


def test_a_late_confirmation_is_refused(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    (wish,) = wishes(stay, 1)
    stay_allocate(stay=stay, seed=1)
    with pytest.raises(ValidationError, match="délai"):
        stay_choice_confirm(choice=wish, actor=None, now=timezone.now() + datetime.timedelta(days=30))


def test_a_refused_wish_can_neither_be_confirmed_nor_refused_again(cde19, agent_cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    (wish,) = wishes(stay, 1)
    stay_choice_refuse(choice=wish, actor=agent_cde19, reason="Dossier incomplet.")
    with pytest.raises(ValidationError, match="Seule une place retenue"):
        stay_choice_confirm(choice=wish, actor=None)
    with pytest.raises(ValidationError, match="Passage impossible de « Refusée » à « Refusée »"):
        stay_choice_refuse(choice=wish, actor=agent_cde19, reason="Encore.")
    assert states([wish]) == [ChoiceState.REFUSED]
    assert wish.events.filter(to_state=ChoiceState.REFUSED).count() == 1


def test_the_periodic_task_expires_overdue_places(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    (wish,) = wishes(stay, 1)
    stay_allocate(stay=stay, seed=1)
    StayChoice.objects.filter(pk=wish.pk).update(confirm_by=timezone.now() - datetime.timedelta(minutes=1))
    expire_stay_places.enqueue()
    assert states([wish]) == [ChoiceState.CANCELLED]


def _child_with_two_wishes(cde19):
    """A child whose first choice is full (its place held by another) and second choice free."""
    first = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    second = HolidayStayFactory(caisse=cde19, closed=True, capacity=5)
    wish_1 = StayChoiceFactory(stay=first, rank=1)
    wish_2 = StayChoiceFactory(stay=second, rank=2, child=wish_1.child, application=wish_1.application)
    stay_allocate(stay=second, seed=1)
    blocker = StayChoiceFactory(stay=first, rank=1, state=ChoiceState.ALLOCATED)
    stay_allocate(stay=first, seed=1)
    assert states([blocker, wish_1, wish_2]) == [
        ChoiceState.ALLOCATED,
        ChoiceState.WAITING,
        ChoiceState.ALLOCATED,
    ]
    return blocker, wish_1, wish_2


def test_confirming_ends_the_other_wishes_of_the_application(cde19):
    _blocker, wish_1, wish_2 = _child_with_two_wishes(cde19)
    stay_choice_confirm(choice=wish_2, actor=None)
    assert states([wish_1, wish_2]) == [ChoiceState.CANCELLED, ChoiceState.CONFIRMED]


def test_a_place_freed_on_a_better_choice_releases_the_worse_place(cde19):
    blocker, wish_1, wish_2 = _child_with_two_wishes(cde19)
    stay_choice_withdraw(choice=blocker, actor=None)
    assert states([wish_1, wish_2]) == [ChoiceState.ALLOCATED, ChoiceState.CANCELLED]
    assert "choix n°1" in StayChoice.objects.get(pk=wish_2.pk).events.last().message


def test_allocating_twice_is_refused(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True)
    stay_allocate(stay=stay, seed=1)
    with pytest.raises(ValidationError, match="déjà"):
        stay_allocate(stay=stay, seed=1)
    assert StayAllocation.objects.filter(stay=stay).count() == 1


def test_the_command_prints_one_line_per_child_and_replays_with_its_seed(cde19, capsys):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=2)
    choices = wishes(stay, 4)
    outputs = []
    for _ in range(2):
        with transaction.atomic():
            call_command("allocate_stay", "--caisse", "cde19", "--stay", str(stay.uuid), "--seed", "42")
            outputs.append(capsys.readouterr().out)
            transaction.set_rollback(True)
    assert outputs[0] == outputs[1]
    lines = outputs[0].splitlines()
    assert len(lines) == 4
    refs = {c.child.reference for c in choices}
    parsed = [line.split(";") for line in lines]
    assert {p[0] for p in parsed} == refs
    assert [p[2] for p in parsed] == ["allocated", "allocated", "waiting", "waiting"]
    assert [p[3] for p in parsed] == ["", "", "1", "2"]
    assert {p[1] for p in parsed} == {"1"}


def test_the_command_refuses_a_stay_of_another_caisse(cde11, cde19):
    from django.core.management.base import CommandError

    stay = HolidayStayFactory(caisse=cde11, closed=True)
    with pytest.raises(CommandError, match="inconnu"):
        call_command("allocate_stay", "--caisse", "cde19", "--stay", str(stay.uuid), "--seed", "1")


def test_the_family_is_told_by_email_when_a_place_is_given(
    cde19, mailoutbox, django_capture_on_commit_callbacks
):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1, title="Mer et voile")
    (wish,) = wishes(stay, 1)
    GuardianFactory(household=wish.application.household, user__email="maman@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        stay_allocate(stay=stay, seed=1)
    (message,) = mailoutbox
    assert message.to == ["maman@example.fr"]
    assert "Mer et voile" in message.subject
    assert "/cde19/mon-espace/sejours/" in message.body


def test_more_places_after_the_allocation_move_the_waiting_list_up(cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    wishes(stay, 3)
    stay_allocate(stay=stay, seed=2)
    stay_save(caisse=cde19, stay=stay, capacity=2)
    assert StayChoice.objects.filter(stay=stay, state=ChoiceState.ALLOCATED).count() == 2
    with pytest.raises(ValidationError, match="déjà attribuées"):
        stay_save(caisse=cde19, stay=stay, capacity=1)


def test_the_expiry_command_reports_the_places_given_back(cde19, capsys):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    (wish,) = wishes(stay, 1)
    stay_allocate(stay=stay, seed=1)
    StayChoice.objects.filter(pk=wish.pk).update(confirm_by=timezone.now() - datetime.timedelta(hours=1))
    call_command("expire_stay_places")
    assert capsys.readouterr().out.startswith("1 place")
