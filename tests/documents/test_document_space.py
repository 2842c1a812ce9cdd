""" "Mes documents": scoped serving, reuse in a new request, retention and its log."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from refectoire.documents.models import Document, DocumentDeletion
from refectoire.documents.services import document_store
from refectoire.documents.tasks import documents_purge_expired
from refectoire.requests.enums import RequestKind
from tests.requests.factories import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def document_a(cde11, household_a, parent_a):
    return document_store(
        caisse=cde11,
        household=household_a,
        uploaded_file=pdf_upload("justificatif.pdf"),
        kind="income_proof",
        uploaded_by=parent_a,
    )


def test_the_parent_lists_and_opens_the_households_documents(client, curl, cde11, parent_a, document_a):
    client.force_login(parent_a)
    assert "justificatif.pdf" in client.get(curl(cde11, "portal:document_list")).content.decode()
    response = client.get(curl(cde11, "portal:document_download", document_uuid=document_a.uuid))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response.close()


def test_an_agent_of_the_caisse_opens_the_document(client, curl, cde11, agent_cde11, document_a):
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:document_download", document_uuid=document_a.uuid))
    assert response.status_code == 200
    response.close()


def test_every_document_url_is_refused_to_another_household_and_another_caisse(
    client,
    curl,
    cde11,
    cde19,
    document_a,
    parent_a,
    parent_b,
    household_b,
    parent_19,
    household_19,
    agent_cde19,
    manager_cde19,
):
    for intruder, caisse in ((parent_b, cde11), (parent_19, cde19), (parent_a, cde19)):
        client.force_login(intruder)
        assert (
            client.get(curl(caisse, "portal:document_download", document_uuid=document_a.uuid)).status_code
            == 404
        )
        assert "justificatif.pdf" not in client.get(curl(caisse, "portal:document_list")).content.decode()
    for intruder in (agent_cde19, manager_cde19, parent_a):
        client.force_login(intruder)
        for caisse in (cde11, cde19):
            url = curl(caisse, "backoffice:document_download", document_uuid=document_a.uuid)
            assert client.get(url).status_code == 404, (intruder, caisse)


def test_anything_but_pdf_and_images_is_served_as_an_attachment(
    client, curl, cde11, agent_cde11, household_a
):
    document = Document(
        caisse=cde11,
        household=household_a,
        kind="attachment",
        original_name="notes.txt",
        content_type="text/plain",
        size=5,
        sha256="0" * 64,
    )
    document.file.save("notes.txt", ContentFile(b"notes"), save=True)
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:document_download", document_uuid=document.uuid))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_document_already_sent_is_reused_in_a_new_request(
    client, curl, cde11, parent_a, household_a, document_a
):
    client.force_login(parent_a)
    client.post(
        curl(cde11, "portal:request_create", kind_slug="changement-de-situation"),
        {"change": "resources", "effective_date": "2026-12-01", "reused": [str(document_a.uuid)]},
    )
    demand = household_a.requests.get(kind=RequestKind.SITUATION)
    assert list(demand.attachments.all()) == [document_a]
    assert Document.objects.count() == 1


def test_another_familys_document_cannot_be_reused(client, curl, cde11, parent_b, household_b, document_a):
    client.force_login(parent_b)
    response = client.post(
        curl(cde11, "portal:request_create", kind_slug="correction"),
        {"text": "x", "reused": [str(document_a.uuid)]},
    )
    assert response.status_code == 302
    assert not household_b.requests.get().attachments.exists()


def test_the_task_deletes_expired_documents_and_logs_it(
    cde11, document_a, django_capture_on_commit_callbacks
):
    kept = document_store(
        caisse=cde11, household=document_a.household, uploaded_file=pdf_upload(), kind="attachment"
    )
    Document.objects.filter(pk=document_a.pk).update(
        retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    Document.objects.filter(pk=kept.pk).update(retain_until=timezone.localdate())
    storage, name = document_a.file.storage, document_a.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_purge_expired.enqueue().return_value == 1
    document_a.refresh_from_db()
    assert document_a.deleted_at is not None
    assert not storage.exists(name)
    deletion = DocumentDeletion.objects.get()
    assert (deletion.document, deletion.original_name) == (document_a, "justificatif.pdf")
    assert storage.exists(kept.file.name)


def test_a_manager_sets_the_retention_period(client, curl, cde11, manager_cde11, agent_cde11):
    from refectoire.documents.selectors import retention_days

    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:retention_edit")).status_code == 403
    client.force_login(manager_cde11)
    client.post(curl(cde11, "backoffice:retention_edit"), {"closed_request_days": "730"})
    assert retention_days(cde11) == 730
