"""Correction, change of situation and moving out: sent, accepted and applied."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.requests import services
from refectoire.requests.enums import FollowUpKind, RequestKind, RequestState
from refectoire.requests.models import FollowUp
from tests.requests.factories import ChildFactory, enroll, pdf_upload, stored_document

pytestmark = pytest.mark.django_db


def post(client, curl, caisse, slug, data):
    return client.post(curl(caisse, "portal:request_create", kind_slug=slug), data)


def test_parent_asks_for_a_correction_with_an_attachment(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    response = post(
        client,
        curl,
        cde11,
        "correction",
        {"text": "Le prénom de ma fille est Léa.", "attachment": pdf_upload()},
    )
    demand = household_a.requests.get()
    assert response["Location"] == curl(cde11, "portal:request_detail", request_uuid=demand.uuid)
    assert demand.kind == RequestKind.CORRECTION
    assert demand.state == RequestState.SUBMITTED
    assert demand.data == {"text": "Le prénom de ma fille est Léa."}
    assert demand.attachments.count() == 1


def test_a_draft_is_kept_then_sent_from_its_page(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    post(client, curl, cde11, "correction", {"text": "Mauvaise école.", "draft": "1"})
    demand = household_a.requests.get()
    assert demand.state == RequestState.DRAFT
    client.post(curl(cde11, "portal:request_submit", request_uuid=demand.uuid))
    demand.refresh_from_db()
    assert demand.state == RequestState.SUBMITTED
    assert list(demand.events.values_list("to_state", flat=True)) == ["draft", "submitted"]


def test_an_accepted_new_address_is_written_on_the_guardian_with_history(
    client, curl, cde11, parent_a, household_a, agent_cde11
):
    client.force_login(parent_a)
    post(
        client,
        curl,
        cde11,
        "changement-de-situation",
        {
            "change": "address",
            "street_number": "3",
            "street_name": "rue Oberkampf",
            "postcode": "75011",
            "city": "Paris",
        },
    )
    demand = household_a.requests.get()
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    guardian = household_a.guardians.get()
    assert (guardian.street_number, guardian.street_name) == ("3", "rue Oberkampf")
    assert guardian.history.count() == 2
    assert guardian.history.first().street_name == "rue Oberkampf"
    assert "Adresse mise à jour" in demand.events.last().message


def test_a_new_address_without_a_street_is_refused_next_to_the_field(
    client, curl, cde11, parent_a, household_a
):
    client.force_login(parent_a)
    response = post(client, curl, cde11, "changement-de-situation", {"change": "address", "city": "Paris"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire pour ce changement." in response.content.decode()


def test_an_accepted_new_phone_and_a_new_child_change_the_household(
    household_a, parent_a, agent_cde11, cde11
):
    contact = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={"change": "contact", "mobile_phone": "0612345678"},
    )
    services.request_accept(request=contact, caisse=cde11, actor=agent_cde11)
    assert household_a.guardians.get().mobile_phone == "0612345678"
    birth = services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        created_by=parent_a,
        data={
            "change": "new_child",
            "child_first_name": "Noé",
            "child_last_name": "Lovinfosse",
            "child_birth_date": "2021-02-03",
        },
    )
    services.request_accept(request=birth, caisse=cde11, actor=agent_cde11)
    assert household_a.children.filter(first_name="Noé", birth_date=datetime.date(2021, 2, 3)).exists()


def test_an_accepted_radiation_ends_the_enrollments_of_the_children_that_day(
    client, curl, cde11, parent_a, household_a, agent_cde11
):
    second = ChildFactory(household=household_a)
    children = list(household_a.children.all())
    for child in children:
        enroll(child)
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    client.force_login(parent_a)
    post(
        client,
        curl,
        cde11,
        "radiation",
        {
            "children_field": [str(c.uuid) for c in children],
            "last_day": last_day.isoformat(),
            "attachment": pdf_upload(),
        },
    )
    demand = household_a.requests.get()
    services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    ends = FollowUp.objects.filter(request=demand, kind=FollowUpKind.ENROLLMENT_END)
    assert {f.child for f in ends} == {children[0], second}
    assert {f.effective_date for f in ends} == {last_day}


def test_a_radiation_date_before_the_enrollment_is_refused(household_a, parent_a, cde11):
    today = timezone.localdate()
    enroll(household_a.children.get(), start=today - datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        services.request_create(
            household=household_a,
            kind=RequestKind.RADIATION,
            created_by=parent_a,
            data={"last_day": (today - datetime.timedelta(days=60)).isoformat()},
            children=list(household_a.children.all()),
            attachments=[stored_document(household_a, "radiation_certificate")],
        )
    assert "est avant le début de son inscription" in error.value.messages[0]


def test_a_radiation_without_the_certificate_is_refused(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    response = post(
        client,
        curl,
        cde11,
        "radiation",
        {"children_field": [str(household_a.children.get().uuid)], "last_day": "2027-01-15"},
    )
    assert "le certificat de radiation que" in response.content.decode()
