""" "Contacter la Caisse": threads, unread counts, mails without personal data, isolation."""

import pytest
from django.core import mail

from refectoire.messaging import services
from refectoire.messaging.models import Conversation
from tests.requests.factories import pdf_upload

pytestmark = pytest.mark.django_db


def test_parent_writes_agent_answers_and_both_see_the_thread(
    client, curl, cde11, parent_a, household_a, agent_cde11, django_capture_on_commit_callbacks
):
    client.force_login(parent_a)
    client.post(
        curl(cde11, "portal:conversation_create"),
        {"subject": "Allergie", "body": "Ma fille est allergique aux arachides.", "attachment": pdf_upload()},
    )
    conversation = Conversation.objects.get(household=household_a)
    assert conversation.messages.get().attachments.count() == 1

    client.force_login(agent_cde11)
    listing = client.get(curl(cde11, "backoffice:conversation_list"))
    assert listing.context["conversations"][0].unread == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            curl(cde11, "backoffice:conversation_detail", conversation_uuid=conversation.uuid),
            {"body": "Merci, nous prévenons le restaurant scolaire."},
        )
    assert client.get(curl(cde11, "backoffice:conversation_list")).context["conversations"][0].unread == 0

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [parent_a.email]
    assert "arachides" not in sent.body and "restaurant scolaire" not in sent.body
    assert parent_a.last_name not in sent.body and "Allergie" not in sent.subject
    assert f"/cde11/mon-espace/messages/{conversation.uuid}/" in sent.body

    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:conversation_list")).context["conversations"][0].unread == 1
    page = client.get(curl(cde11, "portal:conversation_detail", conversation_uuid=conversation.uuid))
    content = page.content.decode()
    assert "arachides" in content and "nous prévenons le restaurant scolaire" in content
    assert client.get(curl(cde11, "portal:conversation_list")).context["conversations"][0].unread == 0


def test_an_agent_starts_a_conversation_with_a_household(
    client, curl, cde11, agent_cde11, household_a, parent_a
):
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:conversation_create"),
        {"household": str(household_a.uuid), "subject": "Pièce manquante", "body": "Merci d'envoyer…"},
    )
    conversation = Conversation.objects.get(household=household_a)
    assert response.status_code == 302
    assert conversation.started_by_agent
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:conversation_list")).context["conversations"][0].unread == 1


def test_an_agent_cannot_write_to_a_household_of_another_caisse(
    client, curl, cde11, agent_cde11, household_19
):
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:conversation_create"),
        {"household": str(household_19.uuid), "subject": "x", "body": "y"},
    )
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_conversations_are_isolated_between_families_and_caisses(
    client,
    curl,
    cde11,
    cde19,
    parent_a,
    parent_b,
    household_a,
    household_b,
    household_19,
    parent_19,
    agent_cde19,
):
    conversation = services.conversation_start(
        household=household_a, subject="Facture", body="Question privée", author=parent_a, by_agent=False
    )
    services.conversation_start(
        household=household_b, subject="Autre", body="x", author=parent_b, by_agent=False
    )
    client.force_login(parent_b)
    assert [
        c.subject for c in client.get(curl(cde11, "portal:conversation_list")).context["conversations"]
    ] == ["Autre"]
    for intruder, caisse in ((parent_b, cde11), (parent_19, cde19), (parent_a, cde19)):
        client.force_login(intruder)
        url = curl(caisse, "portal:conversation_detail", conversation_uuid=conversation.uuid)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "intrusion"}).status_code == 404
    client.force_login(agent_cde19)
    assert not client.get(curl(cde19, "backoffice:conversation_list")).context["conversations"]
    for caisse in (cde11, cde19):
        url = curl(caisse, "backoffice:conversation_detail", conversation_uuid=conversation.uuid)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "intrusion"}).status_code == 404
    assert conversation.messages.count() == 1


def test_a_parent_cannot_attach_another_familys_document(household_a, household_b, parent_a, cde11):
    from refectoire.documents.services import document_store

    other = document_store(caisse=cde11, household=household_b, uploaded_file=pdf_upload(), kind="attachment")
    with pytest.raises(ValueError):
        services.conversation_start(
            household=household_a, subject="x", body="y", author=parent_a, by_agent=False, attachments=[other]
        )
