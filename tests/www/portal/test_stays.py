import pytest

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.stays.enums import ChoiceState, SchoolLevel
from refectoire.stays.models import StayApplication, StayChoice, StayProfile
from refectoire.stays.services import stay_allocate, stay_photo_add
from tests.stays import conftest as stays_fixtures
from tests.stays.factories import (
    HolidayStayFactory,
    SchoolFactory,
    family,
    pdf_upload,
    png_upload,
)

# The fixtures of tests/stays/conftest.py, which this screen test shares.
_private_storage = stays_fixtures._private_storage
family_a = stays_fixtures.family_a
family_b = stays_fixtures.family_b

pytestmark = pytest.mark.django_db


def test_the_stays_page_lists_the_children_and_the_stays_open_to_them(
    client, curl, cde11, family_a, parent_a
):
    _household, child = family_a
    HolidayStayFactory(caisse=cde11, title="Mer et voile")
    HolidayStayFactory(caisse=cde11, title="Pour les grands", age_min=14, age_max=16)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:stays_home")).content.decode()
    assert child.first_name in page
    assert "Mer et voile" in page
    assert "Demander un séjour pour" in page


def test_a_child_without_stay_profile_is_sent_to_fill_it_first(client, curl, cde11, parent_a):
    _household, (child,) = family(cde11, user=parent_a, level=None)
    client.force_login(parent_a)
    response = client.get(curl(cde11, "portal:stay_apply", child_uuid=child.uuid))
    assert response["Location"] == curl(cde11, "portal:stay_profile_edit", child_uuid=child.uuid)
    response = client.post(
        response["Location"],
        {
            "school_level": SchoolLevel.CM1,
            "emergency_contact_1_name": "Mamie",
            "emergency_contact_1_phone": "0600000000",
        },
    )
    assert response.status_code == 302
    assert StayProfile.objects.get(child=child).school_level == SchoolLevel.CM1


def test_a_parent_applies_with_ranked_choices_and_a_document(client, curl, cde11, family_a, parent_a):
    _household, child = family_a
    first, second = HolidayStayFactory(caisse=cde11), HolidayStayFactory(caisse=cde11)
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:stay_apply", child_uuid=child.uuid),
        {"choice_1": first.uuid, "choice_2": second.uuid, "choice_3": "", "health_form": pdf_upload()},
    )
    application = StayApplication.objects.get(child=child)
    assert response["Location"] == curl(cde11, "portal:stay_application", application_uuid=application.uuid)
    assert [(c.stay, c.rank) for c in application.choices.order_by("rank")] == [(first, 1), (second, 2)]
    page = client.get(response["Location"]).content.decode()
    assert "Déposée" in page and "Certificat de vaccination" in page


def test_a_rejected_application_form_keeps_the_values_and_says_why(client, curl, cde11, family_a, parent_a):
    _household, child = family_a
    stay = HolidayStayFactory(caisse=cde11)
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:stay_apply", child_uuid=child.uuid),
        {"choice_1": stay.uuid, "choice_2": stay.uuid, "health_form": pdf_upload()},
    )
    assert response.status_code == 200
    assert "deux fois" in response.content.decode()
    assert not StayApplication.objects.exists()


def test_a_parent_confirms_a_place_then_withdraws(client, curl, cde11, family_a, family_b, parent_a):
    _household, child = family_a
    stay = HolidayStayFactory(caisse=cde11, closed=True, capacity=1)
    from tests.stays.factories import StayChoiceFactory

    mine = StayChoiceFactory(stay=stay, child=child)
    other = StayChoiceFactory(stay=stay, child=family_b[1])
    StayChoice.objects.filter(pk=other.pk).update(rank=2)
    stay_allocate(stay=stay, seed=1)
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:stay_choice_confirm", choice_uuid=mine.uuid))
    mine.refresh_from_db()
    assert mine.state == ChoiceState.CONFIRMED
    client.post(curl(cde11, "portal:stay_choice_withdraw", choice_uuid=mine.uuid))
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.state, other.state) == (ChoiceState.CANCELLED, ChoiceState.ALLOCATED)


def test_the_stay_page_shows_prices_photos_and_who_can_go(client, curl, cde11, family_a, parent_a):
    _household, child = family_a
    stay = HolidayStayFactory(caisse=cde11, title="Montagne")
    photo = stay_photo_add(stay=stay, uploaded_file=png_upload(), caption="Le chalet")
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:stay_detail", stay_uuid=stay.uuid)).content.decode()
    assert "Tarif 10" in page and "300,00\xa0€" in page
    assert "peut partir" in page
    response = client.get(curl(cde11, "portal:stay_photo", photo_uuid=photo.uuid))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert child.first_name in page


def test_a_draft_stay_is_not_shown_to_parents(client, curl, cde11, parent_a):
    stay = HolidayStayFactory(caisse=cde11, is_published=False)
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:stay_detail", stay_uuid=stay.uuid)).status_code == 404


def test_an_adult_registers_for_adult_meals(client, curl, cde19, parent_a):
    school = SchoolFactory(caisse=cde19)
    client.force_login(parent_a)
    url = curl(cde19, "portal:adult_meals")
    response = client.post(
        url,
        {
            "school": school.uuid,
            "role": "teacher",
            "employer": "education_nationale",
            "weekdays": ["1", "2", "4"],
            "starts_on": "2027-01-04",
        },
    )
    assert response.status_code == 302
    registration = AdultRegistration.objects.get(user=parent_a)
    assert (registration.caisse, registration.weekdays, registration.state) == (
        cde19,
        "124",
        RegistrationState.SUBMITTED,
    )
    assert "En attente de validation" in client.get(url).content.decode()


def test_an_adult_registration_form_with_another_employer_unnamed_says_why(client, curl, cde19, parent_a):
    school = SchoolFactory(caisse=cde19)
    client.force_login(parent_a)
    response = client.post(
        curl(cde19, "portal:adult_meals"),
        {
            "school": school.uuid,
            "role": "animator",
            "employer": "other",
            "weekdays": ["1"],
            "starts_on": "2027-01-04",
        },
    )
    assert response.status_code == 200
    assert "Indiquez le nom de votre employeur" in response.content.decode()


def test_a_school_of_another_caisse_cannot_be_chosen(client, curl, cde11, cde19, parent_a):
    school = SchoolFactory(caisse=cde11)
    client.force_login(parent_a)
    response = client.post(
        curl(cde19, "portal:adult_meals"),
        {
            "school": school.uuid,
            "role": "teacher",
            "employer": "caisse",
            "weekdays": ["1"],
            "starts_on": "2027-01-04",
        },
    )
    assert response.status_code == 200
    assert not AdultRegistration.objects.exists()
