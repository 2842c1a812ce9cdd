"""One lifecycle for every request: transitions, timeline, queue, counts, e-mails, scoping."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from refectoire.requests import services
from refectoire.requests.enums import REQUEST_LIFECYCLE, RequestKind, RequestState
from tests.requests.factories import pdf_upload

pytestmark = pytest.mark.django_db


def correction(household, user, text="Erreur de classe."):
    return services.request_create(
        household=household, kind=RequestKind.CORRECTION, data={"text": text}, created_by=user
    )


def test_every_transition_writes_one_timeline_row_with_who_and_why(household_a, parent_a, agent_cde11, cde11):
    demand = correction(household_a, parent_a)
    demand = services.request_take(request=demand, caisse=cde11, actor=agent_cde11)
    demand = services.request_ask_completion(
        request=demand, caisse=cde11, actor=agent_cde11, reason="Quelle classe ?"
    )
    demand = services.request_complete(request=demand, household=household_a, actor=parent_a, message="CM1 B")
    demand = services.request_refuse(request=demand, caisse=cde11, actor=agent_cde11, reason="Déjà corrigé.")
    rows = list(demand.events.values_list("kind", "to_state", "actor__email", "message"))
    assert rows == [
        ("transition", "draft", parent_a.email, "Demande créée."),
        ("transition", "submitted", parent_a.email, ""),
        ("assignment", "", agent_cde11.email, f"Demande attribuée à {agent_cde11.display_name}."),
        ("transition", "in_progress", agent_cde11.email, ""),
        ("transition", "incomplete", agent_cde11.email, "Quelle classe ?"),
        ("message", "", parent_a.email, "CM1 B"),
        ("transition", "submitted", parent_a.email, "Demande complétée."),
        ("transition", "refused", agent_cde11.email, "Déjà corrigé."),
    ]
    assert demand.assigned_to == agent_cde11
    assert demand.closed_at is not None


def test_a_closed_request_cannot_move_again(household_a, parent_a, agent_cde11, cde11):
    demand = services.request_accept(
        request=correction(household_a, parent_a), caisse=cde11, actor=agent_cde11
    )
    with pytest.raises(ValidationError):
        services.request_cancel(request=demand, household=household_a, actor=parent_a)
    assert RequestState.CANCELLED not in REQUEST_LIFECYCLE[RequestState.ACCEPTED]


def test_a_refusal_needs_a_reason(household_a, parent_a, agent_cde11, cde11):
    with pytest.raises(ValidationError):
        services.request_refuse(
            request=correction(household_a, parent_a), caisse=cde11, actor=agent_cde11, reason=" "
        )


def test_each_decision_sends_the_family_a_mail_with_only_a_link(
    household_a, parent_a, agent_cde11, cde11, django_capture_on_commit_callbacks
):
    demand = correction(household_a, parent_a, text="Mon secret")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_ask_completion(request=demand, caisse=cde11, actor=agent_cde11, reason="Précisez")
        services.request_refuse(request=demand, caisse=cde11, actor=agent_cde11, reason="Motif privé")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.to == [parent_a.email]
        assert "Mon secret" not in message.body and "Motif privé" not in message.body
        assert parent_a.last_name not in message.body
        assert f"/cde11/mon-espace/demandes/{demand.uuid}/" in message.body


def test_documents_of_a_closed_request_get_a_retention_date(household_a, parent_a, agent_cde11, cde11):
    from refectoire.documents.services import document_store, retention_policy_set

    retention_policy_set(caisse=cde11, closed_request_days=90)
    document = document_store(
        caisse=cde11, household=household_a, uploaded_file=pdf_upload(), kind="attachment"
    )
    demand = services.request_create(
        household=household_a,
        kind=RequestKind.CORRECTION,
        data={"text": "x"},
        created_by=parent_a,
        attachments=[document],
    )
    demand = services.request_accept(request=demand, caisse=cde11, actor=agent_cde11)
    document.refresh_from_db()
    assert (document.retain_until - demand.closed_at.date()).days in (89, 90, 91)


def test_parent_sees_mes_demandes_latest_first_with_state_and_next_step(
    client, curl, cde11, parent_a, household_a
):
    correction(household_a, parent_a, text="première")
    services.request_create(
        household=household_a,
        kind=RequestKind.SITUATION,
        data={"change": "contact", "email": "a@b.fr"},
        created_by=parent_a,
    )
    client.force_login(parent_a)
    content = client.get(curl(cde11, "portal:request_list")).content.decode()
    assert content.index("Changement de situation") < content.index("Demander une correction")
    assert "La Caisse va étudier votre demande." in content
    assert "Envoyée" in content


def test_the_dashboard_shows_the_latest_requests_and_messages(client, curl, cde11, parent_a, household_a):
    from refectoire.messaging.services import conversation_start

    correction(household_a, parent_a)
    conversation_start(
        household=household_a, subject="Menus", body="Bonjour", author=parent_a, by_agent=False
    )
    client.force_login(parent_a)
    content = client.get(curl(cde11, "portal:dashboard")).content.decode()
    assert "Mes dernières demandes et messages" in content
    assert "Demander une correction" in content and "Menus" in content


def test_the_agents_queue_filters_by_kind_state_assignee_and_age(
    client, curl, cde11, household_a, household_b, parent_a, parent_b, agent_cde11
):
    mine = correction(household_a, parent_a)
    services.request_take(request=mine, caisse=cde11, actor=agent_cde11)
    services.request_create(
        household=household_b,
        kind=RequestKind.SITUATION,
        data={"change": "contact", "email": "b@c.fr"},
        created_by=parent_b,
    )
    correction(household_b, parent_b).__class__.objects.filter(
        household=household_b, kind="correction"
    ).update(state=RequestState.DRAFT)
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:request_queue")
    assert client.get(url).context["total"] == 2
    assert client.get(url, {"kind": "situation"}).context["total"] == 1
    assert client.get(url, {"state": "in_progress"}).context["total"] == 1
    assert client.get(url, {"state": "", "assignee": "me"}).context["total"] == 1
    assert client.get(url, {"state": "", "assignee": "none"}).context["total"] == 1
    assert client.get(url, {"state": "", "age": "7"}).context["total"] == 0


def test_the_backoffice_home_counts_requests_per_state(
    client, curl, cde11, household_a, parent_a, agent_cde11
):
    correction(household_a, parent_a)
    correction(household_a, parent_a)
    client.force_login(agent_cde11)
    queues = client.get(curl(cde11, "backoffice:home")).context["queues"]
    counts = {queue["label"]: queue["count"] for queue in queues}
    assert counts["Demandes — Envoyée"] == 2
    assert "Demandes — Acceptée" not in counts  # an empty queue is hidden


def test_agent_decides_from_the_request_page(client, curl, cde11, household_a, parent_a, agent_cde11):
    demand = correction(household_a, parent_a)
    client.force_login(agent_cde11)
    client.post(curl(cde11, "backoffice:request_act", request_uuid=demand.uuid), {"action": "take"})
    client.post(
        curl(cde11, "backoffice:request_act", request_uuid=demand.uuid),
        {"action": "accept", "message": "Corrigé."},
    )
    demand.refresh_from_db()
    assert demand.state == RequestState.ACCEPTED
    assert demand.events.last().message == "Corrigé."


PORTAL_VIEWS = ["portal:request_detail", "portal:request_submit", "portal:request_cancel"]
BACKOFFICE_VIEWS = ["backoffice:request_detail", "backoffice:request_act", "backoffice:request_assign"]


@pytest.mark.parametrize("view", PORTAL_VIEWS)
def test_another_family_and_another_caisse_get_404_on_a_request(
    client, curl, cde11, cde19, view, household_a, household_b, parent_a, parent_b, household_19, parent_19
):
    demand = correction(household_a, parent_a)
    for intruder, caisse in ((parent_b, cde11), (parent_19, cde19), (parent_a, cde19)):
        client.force_login(intruder)
        for method in ("get", "post"):
            response = getattr(client, method)(curl(caisse, view, request_uuid=demand.uuid))
            assert response.status_code == 404, (intruder, caisse, method)


@pytest.mark.parametrize("view", BACKOFFICE_VIEWS)
def test_an_agent_of_another_caisse_gets_404_on_a_request(
    client, curl, cde11, cde19, view, household_a, parent_a, agent_cde19
):
    demand = correction(household_a, parent_a)
    client.force_login(agent_cde19)
    for caisse in (cde11, cde19):
        assert client.get(curl(caisse, view, request_uuid=demand.uuid)).status_code == 404
        assert client.post(curl(caisse, view, request_uuid=demand.uuid)).status_code == 404


def test_an_agent_does_not_see_a_draft(client, curl, cde11, household_a, parent_a, agent_cde11):
    draft = services.request_create(
        household=household_a,
        kind=RequestKind.CORRECTION,
        data={"text": "x"},
        created_by=parent_a,
        submit=False,
    )
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:request_detail", request_uuid=draft.uuid)).status_code == 404


def test_parent_writes_on_an_open_request_and_the_agents_answer_is_announced_by_mail(
    client, curl, cde11, household_a, parent_a, agent_cde11, django_capture_on_commit_callbacks
):
    demand = correction(household_a, parent_a)
    client.force_login(parent_a)
    client.post(
        curl(cde11, "portal:request_detail", request_uuid=demand.uuid), {"body": "J'ajoute un détail."}
    )
    assert demand.events.last().message == "J'ajoute un détail."
    with django_capture_on_commit_callbacks(execute=True):
        services.request_message(request=demand, actor=agent_cde11, by_agent=True, message="Bien noté.")
    assert len(mail.outbox) == 1
    assert "Bien noté" not in mail.outbox[0].body


def test_the_backoffice_home_counts_conversations_to_read(
    client, curl, cde11, household_a, parent_a, agent_cde11
):
    from refectoire.messaging.services import conversation_start

    conversation_start(household=household_a, subject="Q", body="?", author=parent_a, by_agent=False)
    client.force_login(agent_cde11)
    queues = client.get(curl(cde11, "backoffice:home")).context["queues"]
    assert {q["label"]: q["count"] for q in queues}["Conversations avec des messages non lus"] == 1


def test_the_latest_activity_mixes_requests_and_messages_newest_first_in_one_query(
    django_assert_num_queries, cde11, household_a, household_b, parent_a, parent_b, agent_cde11
):
    import datetime

    from django.utils import timezone

    from refectoire.messaging.models import Conversation
    from refectoire.messaging.services import conversation_reply, conversation_start
    from refectoire.requests.models import Request
    from refectoire.requests.selectors import latest_activity

    start = timezone.now() - datetime.timedelta(days=30)
    mine = [correction(household_a, parent_a, text=f"Erreur {n}") for n in range(4)]
    menus = conversation_start(
        household=household_a, subject="Menus", body="Bonjour", author=parent_a, by_agent=False
    )
    for body in ("Voici les menus.", "Et ceux de janvier."):
        conversation_reply(conversation=menus, body=body, author=agent_cde11, by_agent=True)
    quiet = conversation_start(
        household=household_a, subject="Cantine", body="Merci", author=parent_a, by_agent=False
    )
    # Days 0, 2, 4, 6 for the requests, 5 for « Menus », 1 for « Cantine »: newest first, five of them.
    for day, request in zip((0, 2, 4, 6), mine, strict=True):
        Request.objects.filter(pk=request.pk).update(updated_at=start + datetime.timedelta(days=day))
    Conversation.objects.filter(pk=menus.pk).update(last_message_at=start + datetime.timedelta(days=5))
    Conversation.objects.filter(pk=quiet.pk).update(last_message_at=start + datetime.timedelta(days=1))
    # The neighbours' items are newer than all of them, and never shown.
    correction(household_b, parent_b)
    conversation_start(
        household=household_b, subject="Voisins", body="Bonjour", author=parent_b, by_agent=False
    )

    with django_assert_num_queries(1):
        items = latest_activity(user=parent_a, caisse=cde11)
    assert [(item["kind"], item["uuid"]) for item in items] == [
        ("request", mine[3].uuid),
        ("conversation", menus.uuid),
        ("request", mine[2].uuid),
        ("request", mine[1].uuid),
        ("conversation", quiet.uuid),
    ]
    assert [str(item["label"]) for item in items] == [
        "Demander une correction",
        "Menus",
        "Demander une correction",
        "Demander une correction",
        "Cantine",
    ]
    assert str(items[0]["status"]) == "Envoyée"
    assert [items[1]["status"], items[4]["status"]] == [2, 0]  # the agent's two replies, unread
    assert items[0]["at"] == start + datetime.timedelta(days=6)
