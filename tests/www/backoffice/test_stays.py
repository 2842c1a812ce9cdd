import datetime

import pytest
from django.utils import timezone

from refectoire.adultmeals.enums import AdultRole, Employer, RegistrationState
from refectoire.adultmeals.services import adult_registration_submit
from refectoire.stays.enums import ChoiceState, RequiredDocument
from refectoire.stays.models import HolidayStay, StayAllocation, StayChoice
from refectoire.stays.services import stay_application_attach_document, stay_profile_save
from tests.factories import UserFactory
from tests.stays import conftest as stays_fixtures
from tests.stays.factories import HolidayStayFactory, SchoolFactory, StayChoiceFactory, pdf_upload, png_upload

# The fixtures of tests/stays/conftest.py, which this screen test shares.
_private_storage = stays_fixtures._private_storage

pytestmark = pytest.mark.django_db


def stay_post_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Séjour à la mer",
        "description": "Voile et baignade.",
        "place": "Pornic",
        "start_date": (today + datetime.timedelta(days=60)).isoformat(),
        "end_date": (today + datetime.timedelta(days=66)).isoformat(),
        "age_min": "6",
        "age_max": "11",
        "school_levels": ["CP", "CE1"],
        "capacity": "24",
        "fixed_price": "",
        "application_opens_on": today.isoformat(),
        "application_closes_on": (today + datetime.timedelta(days=20)).isoformat(),
        "confirmation_days": "7",
        "requires_health_form": "on",
        "is_published": "on",
        **{f"price_{n}": str(10 * n) for n in range(1, 11)},
    }
    data.update(overrides)
    return data


def test_a_manager_publishes_a_stay_with_a_price_per_bracket(client, curl, cde19, manager_cde19):
    client.force_login(manager_cde19)
    response = client.post(curl(cde19, "backoffice:stay_create"), stay_post_data())
    stay = HolidayStay.objects.get(caisse=cde19)
    assert response["Location"] == curl(cde19, "backoffice:stay_detail", stay_uuid=stay.uuid)
    assert stay.school_levels == ["CP", "CE1"]
    assert [p.price for p in stay.prices.all()][-1] == 100
    assert stay.required_documents == [RequiredDocument.HEALTH_FORM]


def test_a_stay_without_any_price_is_refused_next_to_the_field(client, curl, cde19, manager_cde19):
    client.force_login(manager_cde19)
    response = client.post(curl(cde19, "backoffice:stay_create"), stay_post_data(price_3=""))
    assert response.status_code == 200
    assert "prix fixe, ou un prix pour chacun" in response.content.decode()
    assert not HolidayStay.objects.exists()


def test_a_window_closing_after_the_start_is_refused(client, curl, cde19, manager_cde19):
    client.force_login(manager_cde19)
    late = (timezone.localdate() + datetime.timedelta(days=61)).isoformat()
    response = client.post(curl(cde19, "backoffice:stay_create"), stay_post_data(application_closes_on=late))
    assert "avant le premier jour" in response.content.decode()


def test_a_plain_agent_cannot_publish_or_allocate(client, curl, cde19, agent_cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True)
    client.force_login(agent_cde19)
    assert client.get(curl(cde19, "backoffice:stay_create")).status_code == 403
    assert (
        client.post(curl(cde19, "backoffice:stay_allocate", stay_uuid=stay.uuid), {"seed": 1}).status_code
        == 403
    )
    assert client.get(curl(cde19, "backoffice:stay_detail", stay_uuid=stay.uuid)).status_code == 200


def test_the_manager_allocates_and_the_seed_is_shown(client, curl, cde19, manager_cde19):
    stay = HolidayStayFactory(caisse=cde19, closed=True, capacity=1)
    first, second = StayChoiceFactory(stay=stay), StayChoiceFactory(stay=stay)
    client.force_login(manager_cde19)
    detail = curl(cde19, "backoffice:stay_detail", stay_uuid=stay.uuid)
    assert "Attribuer les places" in client.get(detail).content.decode()
    client.post(curl(cde19, "backoffice:stay_allocate", stay_uuid=stay.uuid), {"seed": "4242"})
    assert StayAllocation.objects.get(stay=stay).seed == 4242
    page = client.get(detail).content.decode()
    assert "4242" in page
    waiting = StayChoice.objects.get(stay=stay, state=ChoiceState.WAITING)
    page = client.get(detail + "?liste=attente").content.decode()
    assert waiting.child.full_name in page
    assert {first.pk, second.pk} == set(StayChoice.objects.filter(stay=stay).values_list("pk", flat=True))


def test_the_lists_show_missing_documents_and_agents_open_the_sent_ones(client, curl, cde19, agent_cde19):
    stay = HolidayStayFactory(caisse=cde19)
    complete = StayChoiceFactory(stay=stay)
    incomplete = StayChoiceFactory(stay=stay)
    for kind in RequiredDocument:
        stay_application_attach_document(
            application=complete.application, kind=kind, uploaded_file=pdf_upload(), user=None
        )
    client.force_login(agent_cde19)
    page = client.get(
        curl(cde19, "backoffice:stay_detail", stay_uuid=stay.uuid) + "?liste=pieces"
    ).content.decode()
    assert incomplete.child.full_name in page
    assert complete.child.full_name not in page
    document = complete.application.documents.first().document
    response = client.get(curl(cde19, "backoffice:stay_document", document_uuid=document.uuid))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_agent_refuses_a_wish_with_a_reason(client, curl, cde19, agent_cde19):
    choice = StayChoiceFactory(stay=HolidayStayFactory(caisse=cde19))
    client.force_login(agent_cde19)
    url = curl(cde19, "backoffice:stay_choice_refuse", choice_uuid=choice.uuid)
    client.post(url, {"reason": ""})
    choice.refresh_from_db()
    assert choice.state == ChoiceState.SUBMITTED
    client.post(url, {"reason": "Dossier incomplet"})
    choice.refresh_from_db()
    assert choice.state == ChoiceState.REFUSED
    assert choice.events.last().message == "Dossier incomplet"


def test_an_agent_cancels_a_place_and_the_waiting_list_moves_up(client, curl, cde19, agent_cde19):
    stay = HolidayStayFactory(caisse=cde19)
    holder = StayChoiceFactory(stay=stay, state=ChoiceState.CONFIRMED)
    waiting = StayChoiceFactory(stay=stay, state=ChoiceState.WAITING, waiting_rank=1)
    StayAllocation.objects.create(stay=stay, seed=1, result="")
    HolidayStay.objects.filter(pk=stay.pk).update(capacity=1)
    client.force_login(agent_cde19)
    client.post(
        curl(cde19, "backoffice:stay_choice_cancel", choice_uuid=holder.uuid), {"reason": "Appel de la mère"}
    )
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.state, waiting.state) == (ChoiceState.CANCELLED, ChoiceState.ALLOCATED)
    assert holder.events.last().message == "Appel de la mère"


def test_the_participants_export_lists_places_with_emergency_contacts(client, curl, cde19, agent_cde19):
    stay = HolidayStayFactory(caisse=cde19)
    going = StayChoiceFactory(stay=stay, state=ChoiceState.CONFIRMED)
    stay_profile_save(
        child=going.child,
        school_level="CE1",
        emergency_contact_1_name="Tante Rose",
        emergency_contact_1_phone="0611223344",
    )
    StayChoiceFactory(stay=stay, state=ChoiceState.WAITING)
    client.force_login(agent_cde19)
    response = client.get(curl(cde19, "backoffice:stay_participants_csv", stay_uuid=stay.uuid))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("child_ref;nom;prénom")
    assert len(lines) == 2
    assert "Tante Rose;0611223344" in lines[1]
    assert lines[1].startswith(going.child.reference + ";")


def test_a_manager_adds_a_photo_but_not_a_pdf(client, curl, cde19, manager_cde19):
    stay = HolidayStayFactory(caisse=cde19)
    client.force_login(manager_cde19)
    url = curl(cde19, "backoffice:stay_photo_add", stay_uuid=stay.uuid)
    client.post(url, {"photo": pdf_upload(), "caption": "Le chalet"})
    assert stay.photos.count() == 0
    client.post(url, {"photo": png_upload(), "caption": "Le chalet"})
    assert stay.photos.get().caption == "Le chalet"


def test_the_home_counts_registrations_to_validate_and_stays_to_allocate(client, curl, cde19, agent_cde19):
    HolidayStayFactory(caisse=cde19, closed=True)
    adult_registration_submit(
        caisse=cde19,
        user=UserFactory(),
        school=SchoolFactory(caisse=cde19),
        role=AdultRole.ATSEM,
        employer=Employer.CITY,
        weekdays="12",
        starts_on=datetime.date(2027, 1, 4),
    )
    client.force_login(agent_cde19)
    response = client.get(curl(cde19, "backoffice:home"))
    queues = {queue["label"]: queue["count"] for queue in response.context["queues"]}
    assert queues["Restauration adulte : inscriptions à valider"] == 1
    assert queues["Séjours : places à attribuer"] == 1


def test_an_agent_validates_an_adult_and_records_meals_off_schedule(client, curl, cde19, agent_cde19):
    registration = adult_registration_submit(
        caisse=cde19,
        user=UserFactory(),
        school=SchoolFactory(caisse=cde19),
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays="12",
        starts_on=datetime.date(2027, 1, 4),
    )
    client.force_login(agent_cde19)
    assert (
        registration.user.display_name
        in client.get(curl(cde19, "backoffice:adult_meals_list")).content.decode()
    )
    client.post(curl(cde19, "backoffice:adult_registration_validate", registration_uuid=registration.uuid))
    registration.refresh_from_db()
    assert registration.state == RegistrationState.VALIDATED
    url = curl(cde19, "backoffice:adult_extra_meals_record", registration_uuid=registration.uuid)
    client.post(url, {"day": "2027-03-03", "count": "2"})
    assert registration.extra_meals.get().count == 2
    response = client.post(url, {"day": "", "count": "2"})
    assert response.status_code == 200 and "fr-error-text" in response.content.decode()


def test_an_agent_rejects_an_adult_with_a_reason(client, curl, cde19, agent_cde19):
    registration = adult_registration_submit(
        caisse=cde19,
        user=UserFactory(),
        school=SchoolFactory(caisse=cde19),
        role=AdultRole.TEACHER,
        employer=Employer.NATIONAL_EDUCATION,
        weekdays="1",
        starts_on=datetime.date(2027, 1, 4),
    )
    client.force_login(agent_cde19)
    client.post(
        curl(cde19, "backoffice:adult_registration_reject", registration_uuid=registration.uuid),
        {"reason": "Ne travaille pas dans l'école"},
    )
    registration.refresh_from_db()
    assert registration.state == RegistrationState.REJECTED
    page = client.get(
        curl(cde19, "backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    )
    assert "Ne travaille pas dans l&#x27;école" in page.content.decode()
