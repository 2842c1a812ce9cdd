"""PAI are health data: only the family and the Caisse's agents reach them; every agent's view (the
PAI page, its document, the attendance list that shows it) is written in the access log; another
family, another Caisse's agent, a parent in the back office and an anonymous visitor get nothing."""

import datetime

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone

from refectoire.accounts.enums import AccessKind
from refectoire.accounts.models import AccessLog
from refectoire.enrollment.enums import PaiKind, PaiState
from refectoire.enrollment.pai import pai_declare, pai_validate
from refectoire.enrollment.services import enrollment_create
from refectoire.menus.services import (
    menu_group_save,
    menu_week_ensure,
    menu_week_publish,
    menu_week_set_dishes,
)
from tests.enrollment.conftest import open_school_year
from tests.menus.conftest import signed_pai
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def pai(cde11, household_a):
    return pai_declare(
        household=household_a,
        child=household_a.children.get(),
        kind=PaiKind.ADAPTED_MEAL,
        allergens=["arachides", "fruits_a_coque"],
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=100),
        uploaded_file=signed_pai(),
        actor=None,
    )


def test_the_family_sees_its_pai_and_another_family_does_not(
    client, curl, cde11, parent_a, parent_b, household_b, pai
):
    client.force_login(parent_a)
    assert "Arachides" in client.get(curl(cde11, "portal:pai_list")).content.decode()
    client.force_login(parent_b)
    assert pai.child.first_name not in client.get(curl(cde11, "portal:pai_list")).content.decode()
    response = client.post(curl(cde11, "portal:pai_cancel", pai_uuid=pai.uuid))
    assert response.status_code == 404
    pai.refresh_from_db()
    assert pai.state == PaiState.PENDING


def test_a_parent_of_another_caisse_never_reaches_it(client, curl, cde19, parent_19, household_19, pai):
    client.force_login(parent_19)
    assert client.post(curl(cde19, "portal:pai_cancel", pai_uuid=pai.uuid)).status_code == 404


@pytest.mark.parametrize("name", ["backoffice:pai_detail", "backoffice:pai_document"])
def test_others_get_nothing_in_the_back_office(client, curl, cde11, cde19, agent_cde19, parent_a, pai, name):
    url = curl(cde11, name, pai_uuid=pai.uuid)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(parent_a)
    assert client.get(url).status_code == 404
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    assert client.get(curl(cde19, name, pai_uuid=pai.uuid)).status_code == 404
    assert not AccessLog.objects.exists()


def test_an_agents_view_is_logged_and_the_agent_validates(client, curl, cde11, agent_cde11, pai):
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid)).content.decode()
    assert "Arachides, Fruits à coque" in page
    log = AccessLog.objects.get()
    assert (log.kind, log.agent, log.object_id, log.household_id) == (
        AccessKind.PAI,
        agent_cde11,
        str(pai.uuid),
        pai.household_id,
    )
    client.post(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid), {"action": "validate"})
    pai.refresh_from_db()
    assert pai.state == PaiState.VALIDATED
    document = client.get(curl(cde11, "backoffice:pai_document", pai_uuid=pai.uuid))
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF")
    # Close the served file as the test client does: without ending the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        document.close()
    finally:
        request_finished.connect(close_old_connections)
    assert AccessLog.objects.filter(kind=AccessKind.PAI).count() == 3


def test_a_refusal_needs_its_reason_next_to_the_field(client, curl, cde11, agent_cde11, pai):
    client.force_login(agent_cde11)
    page = client.post(
        curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid), {"action": "refuse", "reason": ""}
    )
    assert "Écrivez le motif du refus" in page.content.decode()
    pai.refresh_from_db()
    assert pai.state == PaiState.PENDING


def test_the_pai_list_shows_no_health_details(client, curl, cde11, agent_cde11, pai):
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:pai_list")).content.decode()
    assert pai.child.full_name in page and "Arachides" not in page
    assert not AccessLog.objects.exists()


def test_the_attendance_list_shows_the_pai_and_the_days_dishes_and_logs_it(
    client, curl, cde11, agent_cde11, household_a, pai
):
    pai_validate(pai=pai, agent=agent_cde11)
    school = SchoolFactory(caisse=cde11, name="École Keller", weekdays="12345")
    enrollment_create(
        household=household_a,
        child=pai.child,
        school=school,
        school_year=open_school_year(cde11),
        weekdays="12345",
    )
    group = menu_group_save(caisse=cde11, name="Cuisine", schools=[school])
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    day = monday + datetime.timedelta(days=1)  # a Tuesday
    week = menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=monday),
        dishes=[
            {
                "day": day,
                "course": "dessert",
                "name": "Brownie aux noix",
                "allergens": ["fruits_a_coque", "gluten"],
                "labels": [],
            },
            {"day": day, "course": "plat", "name": "Riz", "allergens": [], "labels": []},
        ],
    )
    menu_week_publish(week=week, agent=agent_cde11)
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:attendance") + f"?school={school.uuid}&day={day.isoformat()}"
    ).content.decode()
    assert "Repas adapté fourni par la cuisine" in page
    assert "Plat du jour concerné : Brownie aux noix (Fruits à coque)" in page
    assert AccessLog.objects.filter(kind=AccessKind.PAI, object_id=str(pai.uuid)).count() == 1
