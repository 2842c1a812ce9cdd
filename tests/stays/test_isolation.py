"""Every URL of the stays and adult meals: another family and another Caisse get 404."""

import datetime

import pytest

from refectoire.adultmeals.enums import AdultRole, Employer
from refectoire.adultmeals.services import adult_registration_submit
from refectoire.stays.enums import ChoiceState, RequiredDocument
from refectoire.stays.services import stay_application_attach_document, stay_photo_add
from tests.factories import AgentRoleFactory, UserFactory
from tests.stays.factories import HolidayStayFactory, SchoolFactory, StayChoiceFactory, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cde11, family_a):
    """Parent A's child in cde11 with a wish (a place) on a stay with a photo and a document."""
    _household, child = family_a
    stay = HolidayStayFactory(caisse=cde11)
    choice = StayChoiceFactory(stay=stay, child=child, state=ChoiceState.ALLOCATED)
    link = stay_application_attach_document(
        application=choice.application,
        kind=RequiredDocument.HEALTH_FORM,
        uploaded_file=pdf_upload(),
        user=None,
    )
    photo = stay_photo_add(stay=stay, uploaded_file=png_upload(), caption="Chalet")
    registration = adult_registration_submit(
        caisse=cde11,
        user=UserFactory(),
        school=SchoolFactory(caisse=cde11),
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays="12",
        starts_on=datetime.date(2027, 1, 4),
    )
    return {
        "child": child,
        "stay": stay,
        "choice": choice,
        "application": choice.application,
        "document": link.document,
        "photo": photo,
        "registration": registration,
    }


def family_urls(curl, caisse, world):
    return [
        ("get", curl(caisse, "portal:stay_profile_edit", child_uuid=world["child"].uuid)),
        ("post", curl(caisse, "portal:stay_profile_edit", child_uuid=world["child"].uuid)),
        ("get", curl(caisse, "portal:stay_apply", child_uuid=world["child"].uuid)),
        ("post", curl(caisse, "portal:stay_apply", child_uuid=world["child"].uuid)),
        ("get", curl(caisse, "portal:stay_application", application_uuid=world["application"].uuid)),
        ("post", curl(caisse, "portal:stay_application", application_uuid=world["application"].uuid)),
        ("post", curl(caisse, "portal:stay_choice_confirm", choice_uuid=world["choice"].uuid)),
        ("post", curl(caisse, "portal:stay_choice_withdraw", choice_uuid=world["choice"].uuid)),
    ]


def test_another_family_gets_404_on_every_family_url(client, curl, cde11, world, family_b, parent_b):
    client.force_login(parent_b)
    for method, url in family_urls(curl, cde11, world):
        assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
    world["choice"].refresh_from_db()
    assert world["choice"].state == ChoiceState.ALLOCATED


def test_the_family_itself_gets_404_through_another_caisse(client, curl, cde19, world, parent_a):
    client.force_login(parent_a)
    urls = family_urls(curl, cde19, world) + [
        ("get", curl(cde19, "portal:stay_detail", stay_uuid=world["stay"].uuid)),
        ("get", curl(cde19, "portal:stay_photo", photo_uuid=world["photo"].uuid)),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, f"{method} {url}"


def test_another_family_of_the_caisse_sees_the_published_stay_but_not_the_application(
    client, curl, cde11, world, family_b, parent_b
):
    client.force_login(parent_b)
    assert client.get(curl(cde11, "portal:stay_detail", stay_uuid=world["stay"].uuid)).status_code == 200
    page = client.get(curl(cde11, "portal:stays_home")).content.decode()
    assert world["child"].first_name not in page


def test_an_adult_sees_only_their_own_registrations(client, curl, cde11, world, parent_b):
    client.force_login(parent_b)
    page = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "Mes inscriptions" not in page


def backoffice_urls(curl, caisse, world):
    stay, choice, registration = world["stay"], world["choice"], world["registration"]
    return [
        ("get", curl(caisse, "backoffice:stay_detail", stay_uuid=stay.uuid)),
        ("get", curl(caisse, "backoffice:stay_edit", stay_uuid=stay.uuid)),
        ("post", curl(caisse, "backoffice:stay_edit", stay_uuid=stay.uuid)),
        ("post", curl(caisse, "backoffice:stay_allocate", stay_uuid=stay.uuid)),
        ("post", curl(caisse, "backoffice:stay_photo_add", stay_uuid=stay.uuid)),
        ("get", curl(caisse, "backoffice:stay_participants_csv", stay_uuid=stay.uuid)),
        ("post", curl(caisse, "backoffice:stay_choice_refuse", choice_uuid=choice.uuid)),
        ("post", curl(caisse, "backoffice:stay_choice_cancel", choice_uuid=choice.uuid)),
        ("get", curl(caisse, "backoffice:stay_document", document_uuid=world["document"].uuid)),
        ("get", curl(caisse, "backoffice:adult_registration_detail", registration_uuid=registration.uuid)),
        ("post", curl(caisse, "backoffice:adult_registration_validate", registration_uuid=registration.uuid)),
        ("post", curl(caisse, "backoffice:adult_registration_reject", registration_uuid=registration.uuid)),
        ("post", curl(caisse, "backoffice:adult_extra_meals_record", registration_uuid=registration.uuid)),
        ("post", curl(caisse, "backoffice:adult_registration_end", registration_uuid=registration.uuid)),
    ]


@pytest.mark.parametrize("visitor", ["agent_cde19", "manager_cde19", "parent_a"])
def test_others_get_404_on_the_backoffice_urls_of_cde11(client, request, curl, cde11, world, visitor):
    client.force_login(request.getfixturevalue(visitor))
    urls = backoffice_urls(curl, cde11, world) + [
        ("get", curl(cde11, "backoffice:stays_list")),
        ("get", curl(cde11, "backoffice:stay_create")),
        ("get", curl(cde11, "backoffice:adult_meals_list")),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, f"{method} {url}"


def test_a_manager_of_cde19_gets_404_on_cde11_objects_through_cde19_urls(
    client, curl, cde19, world, manager_cde19
):
    client.force_login(manager_cde19)
    for method, url in backoffice_urls(curl, cde19, world):
        assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
    world["registration"].refresh_from_db()
    assert world["registration"].state == "submitted"


def test_a_manager_of_cde11_reaches_them(client, curl, cde11, world):
    manager = AgentRoleFactory(caisse=cde11, manager=True).user
    client.force_login(manager)
    for method, url in backoffice_urls(curl, cde11, world):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:
                b"".join(response.streaming_content)  # closes the file
