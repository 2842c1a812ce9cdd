"""The FAQ of each Caisse, written by its managers; the news stay as they were."""

import pytest

from refectoire.messaging.models import FaqEntry

pytestmark = pytest.mark.django_db


def test_a_manager_writes_the_faq_and_visitors_read_it(client, curl, cde11, manager_cde11):
    client.force_login(manager_cde11)
    response = client.post(
        curl(cde11, "backoffice:faq_create"),
        {
            "question": "Je déménage, qui prévenir ?",
            "answer": "Le portail, avec un certificat de radiation.",
            "position": 1,
        },
    )
    assert response.status_code == 302
    client.logout()
    content = client.get(curl(cde11, "portal:faq")).content.decode()
    assert "Je déménage, qui prévenir ?" in content
    assert "certificat de radiation" in content


def test_the_faq_of_one_caisse_is_not_shown_by_another(client, curl, cde11, cde19):
    FaqEntry.objects.create(caisse=cde11, question="Question du 11e", answer="Réponse")
    assert "Question du 11e" not in client.get(curl(cde19, "portal:faq")).content.decode()


def test_a_plain_agent_cannot_edit_the_faq_and_another_caisse_gets_404(
    client, curl, cde11, cde19, agent_cde11, manager_cde19
):
    entry = FaqEntry.objects.create(caisse=cde11, question="Q", answer="R")
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:faq_list")).status_code == 403
    client.force_login(manager_cde19)
    assert client.get(curl(cde19, "backoffice:faq_edit", entry_uuid=entry.uuid)).status_code == 404
    assert client.post(curl(cde19, "backoffice:faq_delete", entry_uuid=entry.uuid)).status_code == 404
    assert FaqEntry.objects.filter(pk=entry.pk).exists()


def test_the_welcome_page_shows_three_news_with_read_more_and_a_link_to_all(client, curl, cde11):
    from tests.factories import NewsItemFactory

    for n in range(4):
        NewsItemFactory(caisse=cde11, title=f"Nouvelle {n}")
    content = client.get(curl(cde11, "public:welcome")).content.decode()
    assert content.count("Lire la suite") == 3
    assert "Voir toutes les actualités" in content
