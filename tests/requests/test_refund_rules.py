"""Remboursement pour maladie: each refusal says exactly which rule fails."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.billing.models import Credit
from refectoire.requests import services
from refectoire.requests.enums import RequestKind, RequestState
from tests.requests.factories import enroll, last_school_week, stored_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enrolled(household_a):
    enroll(household_a.children.get())


def fr(day):
    return day.strftime("%d/%m/%Y")


def send(household, user, first, last):
    return services.request_create(
        household=household,
        kind=RequestKind.ILLNESS_REFUND,
        data={"first_day": first.isoformat(), "last_day": last.isoformat(), "visa_by_school": True},
        created_by=user,
        children=[household.children.get()],
        attachments=[stored_document(household)],
    )


def refusal(household, user, first, last) -> list[str]:
    with pytest.raises(ValidationError) as error:
        send(household, user, first, last)
    return error.value.messages


def test_a_last_day_before_the_first_is_refused_with_that_rule(household_a, parent_a):
    monday, friday = last_school_week(timezone.localdate())
    assert refusal(household_a, parent_a, friday, monday) == [
        "Le dernier jour d'absence est avant le premier : vérifiez les deux dates."
    ]


def test_two_canteen_days_are_refused_with_the_three_days_rule_and_the_count(household_a, parent_a):
    monday, _friday = last_school_week(timezone.localdate())
    tuesday = monday + datetime.timedelta(days=1)
    assert refusal(household_a, parent_a, monday, tuesday) == [
        f"Du {fr(monday)} au {fr(tuesday)}, il y a 2 jour(s) de cantine. Le remboursement pour maladie "
        "demande au moins 3 jours de cantine de suite : vérifiez les dates d'absence."
    ]


def test_a_late_refund_is_refused_with_the_deadline(household_a, parent_a):
    last = timezone.localdate() - datetime.timedelta(days=40)
    first = last - datetime.timedelta(days=6)
    assert refusal(household_a, parent_a, first, last) == [
        "Le délai est dépassé : la demande devait être envoyée au plus tard le "
        f"{fr(last + datetime.timedelta(days=30))}, 30 jours après le dernier jour d'absence."
    ]


def test_days_of_an_accepted_refund_are_named_not_the_three_days_rule(
    household_a, parent_a, agent_cde11, cde11
):
    monday, friday = last_school_week(timezone.localdate())
    services.request_accept(
        request=send(household_a, parent_a, monday, friday), caisse=cde11, actor=agent_cde11
    )
    thursday = friday - datetime.timedelta(days=1)
    # Thursday and Friday only: two days, but the rule that fails is "already refunded".
    assert refusal(household_a, parent_a, thursday, friday) == [
        f"Ces jours ont déjà été remboursés : {fr(thursday)}, {fr(friday)}."
    ]


def test_days_covered_by_a_credit_are_named(household_a, parent_a, agent_cde11, cde11):
    monday, friday = last_school_week(timezone.localdate())
    demand = send(household_a, parent_a, monday, friday)
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    # The credit covers only Monday to Wednesday (corrected by an agent): those are named.
    credit = Credit.objects.get(request=demand)
    credit.days = [(monday + datetime.timedelta(days=i)).isoformat() for i in range(3)]
    credit.meal_count = 3
    credit.save()
    wednesday = monday + datetime.timedelta(days=2)
    assert refusal(household_a, parent_a, wednesday, friday) == [
        f"Ces jours ont déjà été remboursés : {fr(wednesday)}."
    ]


def test_an_accepted_refund_without_credit_still_counts(household_a, parent_a, agent_cde11, cde11):
    monday, friday = last_school_week(timezone.localdate())
    demand = send(household_a, parent_a, monday, friday)
    type(demand).objects.filter(pk=demand.pk).update(state=RequestState.ACCEPTED)
    assert refusal(household_a, parent_a, monday, friday) == [
        "Ces jours ont déjà été remboursés : "
        + ", ".join(fr(monday + datetime.timedelta(days=i)) for i in range(5))
        + "."
    ]


def test_accepting_a_refund_whose_days_were_refunded_meanwhile_names_them(
    household_a, parent_a, agent_cde11, cde11
):
    monday, friday = last_school_week(timezone.localdate())
    first = send(household_a, parent_a, monday, friday)
    second = send(household_a, parent_a, monday, friday)
    services.request_accept(request=first, caisse=cde11, actor=agent_cde11)
    with pytest.raises(ValidationError) as error:
        services.request_accept(request=second, caisse=cde11, actor=agent_cde11)
    assert error.value.messages == [
        "Ces jours ont déjà été remboursés : "
        + ", ".join(fr(monday + datetime.timedelta(days=i)) for i in range(5))
        + "."
    ]
    second.refresh_from_db()
    assert second.state == RequestState.SUBMITTED
