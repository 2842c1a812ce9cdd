"""The screens of a request: the parent cancels or completes, the agent assigns and asks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.requests import services
from refectoire.requests.enums import RequestKind, RequestState
from tests.factories import AgentRoleFactory
from tests.requests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(household_a, parent_a):
    return services.request_create(
        household=household_a, kind=RequestKind.CORRECTION, data={"text": "Erreur"}, created_by=parent_a
    )


def test_parent_cancels_a_sent_request(client, curl, cde11, parent_a, demand):
    client.force_login(parent_a)
    client.post(curl(cde11, "portal:request_cancel", request_uuid=demand.uuid))
    demand.refresh_from_db()
    assert demand.state == RequestState.CANCELLED
    assert (
        "Vous avez annulé cette demande."
        in client.get(curl(cde11, "portal:request_detail", request_uuid=demand.uuid)).content.decode()
    )


def test_agent_asks_for_a_document_and_the_parent_completes_with_it(
    client, curl, cde11, parent_a, agent_cde11, demand
):
    client.force_login(agent_cde11)
    client.post(curl(cde11, "backoffice:request_act", request_uuid=demand.uuid), {"action": "incomplete"})
    demand.refresh_from_db()
    assert demand.state == RequestState.SUBMITTED  # a request for completion needs a message
    client.post(
        curl(cde11, "backoffice:request_act", request_uuid=demand.uuid),
        {"action": "incomplete", "message": "Joignez le livret de famille."},
    )
    demand.refresh_from_db()
    assert demand.state == RequestState.INCOMPLETE

    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:request_detail", request_uuid=demand.uuid)).content.decode()
    assert "Joignez le livret de famille." in page
    assert "Complétez votre demande" in page
    client.post(
        curl(cde11, "portal:request_detail", request_uuid=demand.uuid),
        {"message": "Le voici.", "attachment": SimpleUploadedFile("livret.pdf", pdf_bytes())},
    )
    demand.refresh_from_db()
    assert demand.state == RequestState.SUBMITTED
    assert demand.attachments.get().original_name == "livret.pdf"
    assert demand.events.filter(kind="message").get().attachments.count() == 1


def test_agent_assigns_a_request_to_a_colleague_but_not_to_an_agent_of_another_caisse(
    client, curl, cde11, agent_cde11, agent_cde19, demand
):
    colleague = AgentRoleFactory(caisse=cde11, user__email="collegue@example.fr").user
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:request_assign", request_uuid=demand.uuid)
    client.post(url, {"agent": colleague.pk})
    demand.refresh_from_db()
    assert demand.assigned_to == colleague
    client.post(url, {"agent": agent_cde19.pk})
    demand.refresh_from_db()
    assert demand.assigned_to == colleague


def test_the_queue_and_the_request_page_render_for_an_agent(client, curl, cde11, agent_cde11, demand):
    client.force_login(agent_cde11)
    queue = client.get(curl(cde11, "backoffice:request_queue")).content.decode()
    assert "Demander une correction" in queue
    page = client.get(curl(cde11, "backoffice:request_detail", request_uuid=demand.uuid)).content.decode()
    assert "Erreur" in page and "Prendre en charge" in page


def test_a_parent_without_household_is_told_to_declare_it(client, curl, cde11, parent_b):
    client.force_login(parent_b)
    response = client.get(curl(cde11, "portal:request_list"))
    assert "Votre foyer n'est pas encore déclaré" in response.content.decode()


@pytest.mark.parametrize(
    "slug", ["correction", "changement-de-situation", "remboursement-maladie", "radiation"]
)
def test_every_request_form_renders(client, curl, cde11, parent_a, household_a, slug):
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:request_create", kind_slug=slug)).status_code == 200


def test_an_unknown_kind_is_a_404(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:request_create", kind_slug="inconnue")).status_code == 404


def test_the_correction_form_says_the_caisses_dossier_email_also_works(client, curl, cde11, cde19, parent_a):
    from tests.requests.factories import household_of

    household_of(parent_a, cde11)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:request_create", kind_slug="correction")).content.decode()
    assert (
        "Vous avez la possibilité de demander une correction via votre espace famille, avec ce formulaire, "
        "ou par mail : dossier@cdeparis11.fr" in page
    )
    # The address is the Caisse's contact e-mail, not a fixed one.
    cde19.contact_email = "contact@cde19.example.fr"
    cde19.save()
    household_of(parent_a, cde19)
    page = client.get(curl(cde19, "portal:request_create", kind_slug="correction")).content.decode()
    assert "ou par mail : contact@cde19.example.fr" in page and "cdeparis11" not in page
