"""The agents' household screens: queue, search, detail and history, decisions, edit on behalf, import."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.households.enums import ChangeKind, HouseholdState
from refectoire.households.models import Household
from refectoire.households.services import household_change_request
from tests.households.factories import household_for
from tests.households.test_import import GOOD_ROWS, csv_of
from tests.www.backoffice.test_access import backoffice_paths

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\nxref\n0 4\n0000000000 65535 f \n"
    b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n"
    b"170\n%%EOF\n"
)


@pytest.fixture
def submitted(cde11, parent_a):
    return household_for(parent_a, cde11, state=HouseholdState.SUBMITTED, children=("Elie", "Hikari"))


def test_the_home_counts_the_households_to_validate(client, cde11, agent_cde11, submitted):
    client.force_login(agent_cde11)
    page = client.get("/cde11/agent/").content.decode()
    assert "Foyers à valider" in page
    assert client.get("/cde11/agent/").context["queues"][0]["count"] == 1


def test_the_queue_filters_by_state_and_name(client, cde11, agent_cde11, submitted, parent_b, curl):
    household_for(parent_b, cde11, state=HouseholdState.VALIDATED)
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:household_queue")
    assert list(client.get(url).context["households"]) == [submitted]
    assert list(client.get(url, {"state": "validated"}).context["households"]) != [submitted]
    assert list(client.get(url, {"state": "", "name": "lovinf"}).context["households"]) == [submitted]
    assert (
        list(
            client.get(url, {"state": "", "since": "2000-01-01", "until": "2001-01-01"}).context["households"]
        )
        == []
    )


def test_the_detail_shows_every_field_documents_and_history(
    client, cde11, agent_cde11, submitted, curl, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }
    document_store(
        caisse=cde11,
        household=submitted,
        uploaded_file=SimpleUploadedFile("avis.pdf", PDF, content_type="application/pdf"),
        kind=DocumentKind.INCOME_PROOF,
    )
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:household_detail", household_uuid=submitted.uuid)
    ).content.decode()
    for text in [
        "Allison",
        "Patrick",
        "Elie",
        "Hikari",
        "rue de la Roquette",
        "avis.pdf",
        "Historique",
        "Valider",
        "Demander une correction",
        "Refuser",
    ]:
        assert text in page, text
    document = submitted.documents.get()
    response = client.get(
        curl(
            cde11, "backoffice:household_document", household_uuid=submitted.uuid, document_uuid=document.uuid
        )
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response.close()


def test_the_agent_validates_and_the_parent_is_emailed(
    client, cde11, agent_cde11, submitted, curl, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(curl(cde11, "backoffice:household_validate", household_uuid=submitted.uuid))
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.VALIDATED
    assert "validé" in mail.outbox[-1].subject


def test_the_agent_asks_a_correction_that_the_parent_reads(
    client, cde11, agent_cde11, parent_a, submitted, curl, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            curl(cde11, "backoffice:household_correction", household_uuid=submitted.uuid),
            {"message": "Merci d'indiquer le prénom complet d'Elie."},
        )
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.DRAFT
    assert "Merci d'indiquer le prénom complet d'Elie." in mail.outbox[-1].body
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:household")).content.decode()
    assert (
        "Une correction est demandée" in page
        and "Merci d&#x27;indiquer le prénom complet d&#x27;Elie." in page
    )


def test_the_agent_rejects_with_a_reason(
    client, cde11, agent_cde11, parent_a, submitted, curl, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:household_reject", household_uuid=submitted.uuid)
    client.post(url, {"reason": ""})
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Domicile hors du 11e."})
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.REJECTED
    assert "Domicile hors du 11e." in mail.outbox[-1].body
    client.force_login(parent_a)
    assert "Domicile hors du 11e." in client.get(curl(cde11, "portal:household")).content.decode()


def test_search_by_child_email_benefits_number_and_key(client, cde11, agent_cde11, submitted, curl):
    holder = submitted.guardians.get(role="primary")
    holder.benefits_number = "7654321"
    holder.save()
    submitted.service_key = "ENF-ABCD-2345"
    submitted.save()
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:household_search")
    for query in ["Hikari", "allison@example.fr", "7654321", "ENF-ABCD-2345", "Lovinfosse"]:
        assert list(client.get(url, {"q": query}).context["results"]) == [submitted], query
    assert list(client.get(url, {"q": "Personne"}).context["results"]) == []


def test_the_agent_edits_on_behalf_of_the_family_and_it_is_in_the_history(
    client, cde11, agent_cde11, submitted, curl
):
    child = submitted.children.get(first_name="Elie")
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:household_child_edit", household_uuid=submitted.uuid, child_uuid=child.uuid),
        {"first_name": "Élie", "last_name": child.last_name, "birth_date": "2017-09-02", "sex": "f"},
    )
    assert response.status_code == 302
    page = client.get(
        curl(cde11, "backoffice:household_detail", household_uuid=submitted.uuid)
    ).content.decode()
    assert "Modifié par un agent pour la famille" in page
    assert "« Elie » → « Élie »" in page


def test_the_agent_validates_a_member_addition(client, cde11, agent_cde11, parent_a, curl):
    household = household_for(parent_a, cde11, state=HouseholdState.VALIDATED)
    change = household_change_request(
        household=household,
        actor=parent_a,
        kind=ChangeKind.ADD_CHILD,
        data={"first_name": "Robin", "last_name": "L", "birth_date": "2021-02-03", "sex": "m"},
    )
    client.force_login(agent_cde11)
    queues = {q["label"]: q["count"] for q in client.get("/cde11/agent/").context["queues"]}
    assert queues["Ajouts de membres à valider"] == 1
    page = client.get(
        curl(cde11, "backoffice:household_detail", household_uuid=household.uuid)
    ).content.decode()
    assert "Prénom : Robin" in page and "Sexe : Garçon" in page
    client.post(
        curl(
            cde11,
            "backoffice:household_change_accept",
            household_uuid=household.uuid,
            change_uuid=change.uuid,
        )
    )
    assert household.children.filter(first_name="Robin").exists()


def test_a_manager_imports_a_file_and_sees_every_bad_line(client, cde11, manager_cde11, curl):
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:household_import")
    bad = csv_of([GOOD_ROWS[0], GOOD_ROWS[2].replace("marc@example.fr", "marc@")])
    response = client.post(url, {"file": SimpleUploadedFile("f.csv", bad, content_type="text/csv")})
    page = response.content.decode()
    assert "rien n&#x27;a été importé" in page and "ligne 3, colonne guardian_email" in page
    assert not Household.objects.exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("f.csv", csv_of(GOOD_ROWS), content_type="text/csv")}
    )
    assert Household.objects.filter(caisse=cde11).count() == 2
    letters = client.get(curl(cde11, "backoffice:household_key_letters"))
    assert letters["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(letters.content)).pages) == 2


def test_a_plain_agent_cannot_import(client, cde11, agent_cde11, curl):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:household_import")).status_code == 403
    assert client.get(curl(cde11, "backoffice:household_key_letters")).status_code == 403


@pytest.mark.parametrize("visitor", ["agent_cde19", "manager_cde19", "parent_a"])
def test_every_household_url_of_cde11_is_a_404_for_others(client, request, cde11, cde19, visitor, submitted):
    client.force_login(request.getfixturevalue(visitor))
    paths = [path for path in backoffice_paths(cde11, submitted.uuid) if "/foyers/" in path]
    assert len(paths) >= 14
    for path in paths:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{method.upper()} {path} gave {response.status_code}"
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.SUBMITTED


def test_an_agent_of_cde19_cannot_reach_a_cde11_household_through_cde19_urls(
    client, cde11, cde19, manager_cde19, submitted, curl
):
    client.force_login(manager_cde19)
    child = submitted.children.first()
    guardian = submitted.guardians.first()
    urls = [
        curl(cde19, "backoffice:household_detail", household_uuid=submitted.uuid),
        curl(cde19, "backoffice:household_validate", household_uuid=submitted.uuid),
        curl(cde19, "backoffice:household_correction", household_uuid=submitted.uuid),
        curl(cde19, "backoffice:household_reject", household_uuid=submitted.uuid),
        curl(cde19, "backoffice:household_child_edit", household_uuid=submitted.uuid, child_uuid=child.uuid),
        curl(
            cde19,
            "backoffice:household_guardian_edit",
            household_uuid=submitted.uuid,
            guardian_uuid=guardian.uuid,
        ),
    ]
    for url in urls:
        assert client.post(url, {"message": "x", "reason": "x"}).status_code == 404, url
    assert (
        list(client.get(curl(cde19, "backoffice:household_search"), {"q": "Lovinfosse"}).context["results"])
        == []
    )
    assert (
        list(client.get(curl(cde19, "backoffice:household_queue"), {"state": ""}).context["households"]) == []
    )
    submitted.refresh_from_db()
    assert submitted.state == HouseholdState.SUBMITTED
