"""Remboursement pour maladie: the rules checked when it is sent, and the credit it becomes."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.billing.models import Credit
from refectoire.requests import rules, services
from refectoire.requests.enums import RequestKind, RequestState
from tests.requests.factories import enroll, last_school_week, pdf_upload, stored_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enrolled(household_a):
    enroll(household_a.children.get())


def refund_form(child, first, last, **extra):
    return {
        "child": str(child.uuid),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "attachment": pdf_upload(),
        "visa_by_school": "on",
        **extra,
    }


def send_refund(household, user, first, last):
    return services.request_create(
        household=household,
        kind=RequestKind.ILLNESS_REFUND,
        data={"first_day": first.isoformat(), "last_day": last.isoformat(), "visa_by_school": True},
        created_by=user,
        children=[household.children.get()],
        attachments=[stored_document(household)],
    )


def test_canteen_days_skip_the_weekend(household_a):
    monday, friday = last_school_week(timezone.localdate() - datetime.timedelta(days=7))
    tuesday = friday + datetime.timedelta(days=4)
    days = rules.canteen_days(household_a.children.get(), household_a, friday, tuesday)
    assert days == [friday, friday + datetime.timedelta(days=3), tuesday]


def test_parent_sends_a_refund_and_the_accepted_request_becomes_a_credit(
    client, curl, cde11, parent_a, household_a, agent_cde11, django_capture_on_commit_callbacks
):
    first, last = last_school_week(timezone.localdate())
    child = household_a.children.get()
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="remboursement-maladie"),
        refund_form(child, first, last),
    )
    assert response.status_code == 302
    demand = household_a.requests.get()
    assert demand.state == RequestState.SUBMITTED
    assert demand.attachments.get().kind == "medical_certificate"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    credit = Credit.objects.get(request=demand)
    assert credit.child == child
    assert credit.meal_count == 5
    assert credit.used_by_invoice is None
    assert credit.days[0] == first.isoformat()
    assert len(mail.outbox) == 1
    assert child.first_name not in mail.outbox[0].body
    assert str(demand.uuid) in mail.outbox[0].body


def test_two_days_of_illness_are_refused_saying_the_three_days_rule(
    client, curl, cde11, parent_a, household_a
):
    monday, _friday = last_school_week(timezone.localdate())
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="remboursement-maladie"),
        refund_form(household_a.children.get(), monday, monday + datetime.timedelta(days=1)),
    )
    assert response.status_code == 200
    assert "au moins 3 jours de cantine de suite" in response.content.decode()
    assert "il y a 2 jour(s) de cantine" in response.content.decode()
    assert not household_a.requests.exists()


def test_a_refund_sent_31_days_after_the_last_day_is_refused_with_the_deadline(household_a, parent_a):
    last = timezone.localdate() - datetime.timedelta(days=31)
    first = last - datetime.timedelta(days=6)
    with pytest.raises(ValidationError) as error:
        send_refund(household_a, parent_a, first, last)
    deadline = (last + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert error.value.messages == [
        f"Le délai est dépassé : la demande devait être envoyée au plus tard le {deadline}, "
        "30 jours après le dernier jour d'absence."
    ]


def test_days_already_refunded_are_refused_by_name(household_a, parent_a, agent_cde11, cde11):
    first, last = last_school_week(timezone.localdate())
    services.request_accept(
        request=send_refund(household_a, parent_a, first, last), caisse=cde11, actor=agent_cde11
    )
    with pytest.raises(ValidationError) as error:
        send_refund(household_a, parent_a, first + datetime.timedelta(days=2), last)
    assert error.value.messages[0].startswith("Ces jours ont déjà été remboursés : ")
    assert (first + datetime.timedelta(days=2)).strftime("%d/%m/%Y") in error.value.messages[0]


def test_the_form_asks_for_the_certificate_and_the_school_visa(client, curl, cde11, parent_a, household_a):
    first, last = last_school_week(timezone.localdate())
    client.force_login(parent_a)
    form = refund_form(household_a.children.get(), first, last)
    del form["attachment"], form["visa_by_school"]
    response = client.post(curl(cde11, "portal:request_create", kind_slug="remboursement-maladie"), form)
    content = response.content.decode()
    assert "Joignez le certificat médical (PDF ou photo)." in content
    assert "Joignez la demande visée par le responsable de l&#x27;établissement, ou cochez la case" in content
