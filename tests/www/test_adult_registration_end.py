"""The screens that end an adult registration: the adult's « Mettre fin à mon inscription »,
« Annuler ma demande », the agent's « Mettre fin à l'inscription »; and who gets a 404."""

import pytest
from django.core import mail
from django.utils import timezone

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from tests.adultmeals.test_end import submitted
from tests.billing.adults import D, adult
from tests.factories import UserFactory
from tests.households.factories import household_for
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return UserFactory(first_name="Claire", last_name="Fontaine", email="claire.fontaine@example.fr")


@pytest.fixture
def school(cde11):
    school_year(cde11, "2026-2027")
    return SchoolFactory(caisse=cde11, name="École Keller")


@pytest.fixture
def registration(cde11, school, teacher, agent_cde11):
    return adult(cde11, school, agent=agent_cde11, user=teacher, starts_on=D(2026, 9, 1))


def test_the_adult_ends_their_registration_from_restauration_adulte(
    client, curl, cde11, teacher, registration
):
    client.force_login(teacher)
    home = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    end_url = curl(cde11, "portal:adult_registration_end", registration_uuid=registration.uuid)
    assert "Mettre fin à mon inscription" in home and end_url in home
    page = client.get(end_url).content.decode()
    assert "École Keller" in page and "Dernier jour de repas" in page

    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    response = client.post(end_url, {"last_day": yesterday.isoformat(), "reason": "Mutation"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le dernier jour ne peut pas être dans le passé." in page and 'value="Mutation"' in page

    today = timezone.localdate()
    response = client.post(end_url, {"last_day": today.isoformat(), "reason": ""})
    assert response.status_code == 302 and response["Location"] == curl(cde11, "portal:adult_meals")
    registration.refresh_from_db()
    assert (registration.state, registration.ends_on) == (RegistrationState.ENDED, today)
    home = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "Terminée" in home and today.strftime("%d/%m/%Y") in home
    # Ended, it cannot be ended again.
    assert client.get(end_url)["Location"] == curl(cde11, "portal:adult_meals")


def test_the_adult_cancels_a_registration_waiting_for_validation(client, curl, cde11, school, teacher):
    registration = submitted(cde11, school, user=teacher)
    client.force_login(teacher)
    home = client.get(curl(cde11, "portal:adult_meals")).content.decode()
    assert "Annuler ma demande" in home and "Mettre fin à mon inscription" not in home
    cancel_url = curl(cde11, "portal:adult_registration_cancel", registration_uuid=registration.uuid)
    assert client.get(cancel_url).status_code == 405
    assert client.post(cancel_url)["Location"] == curl(cde11, "portal:adult_meals")
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED
    assert "Annulée" in client.get(curl(cde11, "portal:adult_meals")).content.decode()


def test_the_agent_ends_a_registration_mid_period_and_the_adult_is_told(
    client, curl, cde11, agent_cde11, registration, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    detail_url = curl(cde11, "backoffice:adult_registration_detail", registration_uuid=registration.uuid)
    assert "Mettre fin à l'inscription" in client.get(detail_url).content.decode()
    end_url = curl(cde11, "backoffice:adult_registration_end", registration_uuid=registration.uuid)

    response = client.post(end_url, {"last_day": "2026-10-16", "reason": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    response = client.post(end_url, {"last_day": "2026-08-31", "reason": "Départ"})
    assert (
        "ne peut pas précéder le premier jour de l&#x27;inscription (01/09/2026)" in response.content.decode()
    )
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(end_url, {"last_day": "2026-10-16", "reason": "Partie en cours d'année."})
    assert response["Location"] == detail_url
    registration.refresh_from_db()
    assert (registration.state, registration.ends_on) == (RegistrationState.ENDED, D(2026, 10, 16))
    page = client.get(detail_url).content.decode()
    assert "16/10/2026" in page and "Partie en cours d&#x27;année." in page
    (message,) = mail.outbox
    assert message.to == ["claire.fontaine@example.fr"] and "16/10/2026" in message.body


@pytest.mark.parametrize("visitor", ["parent_b", "parent_a", "agent_cde11"])
def test_only_the_adult_reaches_their_end_and_cancel_urls(
    client, request, curl, cde11, school, teacher, registration, visitor
):
    """Another adult, a parent of the Caisse, even an agent: the adult's own screens are 404."""
    waiting = submitted(cde11, SchoolFactory(caisse=cde11), user=teacher)
    if visitor == "parent_a":
        household_for(request.getfixturevalue("parent_a"), cde11)
    client.force_login(request.getfixturevalue(visitor))
    urls = [
        ("get", curl(cde11, "portal:adult_registration_end", registration_uuid=registration.uuid)),
        ("post", curl(cde11, "portal:adult_registration_end", registration_uuid=registration.uuid)),
        ("post", curl(cde11, "portal:adult_registration_cancel", registration_uuid=waiting.uuid)),
    ]
    for method, url in urls:
        assert getattr(client, method)(url, {"last_day": "2030-01-01"}).status_code == 404, (method, url)
    assert set(AdultRegistration.objects.values_list("state", flat=True)) == {"validated", "submitted"}


def test_the_adult_gets_404_through_another_caisse(client, curl, cde19, teacher, registration):
    client.force_login(teacher)
    waiting = submitted(registration.caisse, SchoolFactory(caisse=registration.caisse), user=teacher)
    for method, url in [
        ("get", curl(cde19, "portal:adult_registration_end", registration_uuid=registration.uuid)),
        ("post", curl(cde19, "portal:adult_registration_end", registration_uuid=registration.uuid)),
        ("post", curl(cde19, "portal:adult_registration_cancel", registration_uuid=waiting.uuid)),
    ]:
        assert getattr(client, method)(url, {"last_day": "2030-01-01"}).status_code == 404, (method, url)


@pytest.mark.parametrize("visitor", ["agent_cde19", "teacher"])
def test_an_agent_of_another_caisse_and_the_adult_get_404_on_the_agents_end(
    client, request, curl, cde11, cde19, registration, visitor
):
    client.force_login(request.getfixturevalue(visitor))
    data = {"last_day": "2026-10-16", "reason": "x"}
    for caisse in (cde11, cde19):
        url = curl(caisse, "backoffice:adult_registration_end", registration_uuid=registration.uuid)
        assert client.post(url, data).status_code == 404, url
    registration.refresh_from_db()
    assert registration.state == RegistrationState.VALIDATED
