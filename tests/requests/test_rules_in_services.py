"""The rules of a request live in its service: called directly with what the portal form would
refuse, the requests service refuses it too, and writes nothing (issue 12, item 13)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.requests import services
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from tests.requests.factories import enroll, last_school_week, stored_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enrolled(household_a):
    enroll(household_a.children.get())


def refund(household, user, *, attachments=(), visa_by_school=False):
    monday, friday = last_school_week(timezone.localdate())
    return services.request_create(
        household=household,
        kind=RequestKind.ILLNESS_REFUND,
        data={
            "first_day": monday.isoformat(),
            "last_day": friday.isoformat(),
            "visa_by_school": visa_by_school,
        },
        created_by=user,
        children=[household.children.get()],
        attachments=list(attachments),
    )


def test_a_refund_without_a_medical_certificate_is_refused_by_the_service(household_a, parent_a):
    with pytest.raises(ValidationError) as error:
        refund(household_a, parent_a, visa_by_school=True)
    assert error.value.messages == ["Joignez le certificat médical (PDF ou photo)."]
    assert not Request.objects.exists()


def test_a_school_visa_is_no_medical_certificate(household_a, parent_a):
    visa = stored_document(household_a, "school_visa", "visa.pdf")
    with pytest.raises(ValidationError) as error:
        refund(household_a, parent_a, attachments=[visa])
    assert error.value.messages == ["Joignez le certificat médical (PDF ou photo)."]


def test_a_refund_without_the_school_visa_nor_its_promise_is_refused_by_the_service(household_a, parent_a):
    with pytest.raises(ValidationError) as error:
        refund(household_a, parent_a, attachments=[stored_document(household_a)])
    assert error.value.messages == [
        "Joignez la demande visée par le responsable de l'établissement, ou cochez la case si c'est lui qui "
        "confirmera son visa à la Caisse."
    ]
    assert not Request.objects.exists()


def test_a_refund_with_its_certificate_and_the_visa_is_sent(household_a, parent_a):
    visa = stored_document(household_a, "school_visa", "visa.pdf")
    demand = refund(household_a, parent_a, attachments=[stored_document(household_a), visa])
    assert demand.state == RequestState.SUBMITTED


def test_a_refund_whose_visa_the_school_confirms_is_sent(household_a, parent_a):
    demand = refund(household_a, parent_a, attachments=[stored_document(household_a)], visa_by_school=True)
    assert demand.state == RequestState.SUBMITTED


def test_a_draft_refund_may_wait_for_its_documents_but_is_not_sent_without_them(household_a, parent_a):
    monday, friday = last_school_week(timezone.localdate())
    draft = services.request_create(
        household=household_a,
        kind=RequestKind.ILLNESS_REFUND,
        data={"first_day": monday.isoformat(), "last_day": friday.isoformat(), "visa_by_school": True},
        created_by=parent_a,
        children=[household_a.children.get()],
        submit=False,
    )
    with pytest.raises(ValidationError):
        services.request_submit(request=draft, household=household_a, actor=parent_a)
    draft.refresh_from_db()
    assert draft.state == RequestState.DRAFT


def test_a_radiation_without_its_certificate_is_refused_by_the_service(household_a, parent_a):
    with pytest.raises(ValidationError) as error:
        services.request_create(
            household=household_a,
            kind=RequestKind.RADIATION,
            data={"last_day": timezone.localdate().isoformat()},
            created_by=parent_a,
            children=list(household_a.children.all()),
        )
    assert error.value.messages == ["Joignez le certificat de radiation que l'école vous a remis."]
    assert not Request.objects.exists()


def test_a_change_of_resources_without_its_proof_is_refused_by_the_service(household_a, parent_a):
    with pytest.raises(ValidationError) as error:
        services.request_create(
            household=household_a,
            kind=RequestKind.SITUATION,
            data={"change": "resources", "effective_date": timezone.localdate().isoformat()},
            created_by=parent_a,
        )
    assert error.value.messages == ["Joignez le justificatif de vos nouvelles ressources."]
    assert not Request.objects.exists()


def situation(household, user, data, attachments=()):
    return services.request_create(
        household=household,
        kind=RequestKind.SITUATION,
        data=data,
        created_by=user,
        children=[],
        attachments=list(attachments),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"change": "address", "street_name": "rue Oberkampf", "city": "Paris"},
            "obligatoire pour ce changement",
        ),
        ({"change": "contact"}, "Indiquez au moins un nouveau téléphone ou courriel."),
        ({"change": "resources"}, "obligatoire pour ce changement"),
        ({"change": "resources", "effective_date": "2026-11-01"}, "Joignez le justificatif de vos nouvelles"),
    ],
)
def test_a_change_of_situation_the_form_would_refuse_is_refused_by_the_service(
    household_a, parent_a, data, message
):
    with pytest.raises(ValidationError) as error:
        situation(household_a, parent_a, data)
    assert any(message in text for text in error.value.messages)
    assert not Request.objects.exists()


def test_a_separation_with_custody_by_calendar_needs_the_calendar_in_the_service(household_a, parent_a):
    child = household_a.children.get()
    data = {"change": "separation", "effective_date": "2026-11-01", "custody": {str(child.uuid): "calendar"}}
    with pytest.raises(ValidationError) as error:
        situation(household_a, parent_a, data)
    assert "Joignez le calendrier de garde" in " ".join(error.value.messages)
    calendar = stored_document(household_a, "custody_calendar", "calendrier.pdf")
    assert situation(household_a, parent_a, data, attachments=[calendar]).state == RequestState.SUBMITTED


def test_a_complete_change_of_contact_is_sent(household_a, parent_a):
    demand = situation(household_a, parent_a, {"change": "contact", "email": "nouveau@example.fr"})
    assert demand.state == RequestState.SUBMITTED
