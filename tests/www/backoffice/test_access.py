"""The back office of a Caisse: who gets in, and who gets a 404."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from refectoire.caisses.urls import caisse_reverse
from tests.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def backoffice_paths(caisse, sample_uuid):
    """Every back-office URL of `caisse`, its parameters filled with `sample_uuid`."""
    resolver = get_resolver("refectoire.urls_caisse").namespace_dict["backoffice"][1]
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                kwargs = {name: sample_uuid for name in pattern.pattern.regex.groupindex}
                paths.append(caisse_reverse(caisse, f"backoffice:{pattern.name}", kwargs=kwargs or None))

    walk(resolver.url_patterns, "")
    return paths


def test_anonymous_visitor_is_sent_to_the_login(client, cde11):
    response = client.get("/cde11/agent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cde11/compte/login/?next=/cde11/agent/")


def test_agent_sees_the_backoffice_home_of_their_caisse(client, cde11, agent_cde11):
    client.force_login(agent_cde11)
    response = client.get("/cde11/agent/")
    assert response.status_code == 200
    assert "Espace agents" in response.content.decode()


def test_a_parent_gets_404_in_the_backoffice(client, cde11, parent_a):
    client.force_login(parent_a)
    assert client.get("/cde11/agent/").status_code == 404


@pytest.mark.parametrize("visitor", ["agent_cde19", "manager_cde19", "parent_a"])
def test_every_backoffice_url_of_cde11_is_a_404_for_others(client, request, cde11, cde19, visitor):
    news = NewsItemFactory(caisse=cde11)
    client.force_login(request.getfixturevalue(visitor))
    for path in backoffice_paths(cde11, news.uuid):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{method.upper()} {path} gave {response.status_code}"
    news.refresh_from_db()


def test_agent_of_cde19_cannot_reach_cde11_news_through_cde19_urls(client, cde11, cde19, manager_cde19):
    news = NewsItemFactory(caisse=cde11, title="Secret du 11e")
    client.force_login(manager_cde19)
    url = caisse_reverse(cde19, "backoffice:news_edit", kwargs={"news_uuid": news.uuid})
    assert client.get(url).status_code == 404
    url = caisse_reverse(cde19, "backoffice:news_delete", kwargs={"news_uuid": news.uuid})
    assert client.post(url).status_code == 404
    assert news.__class__.objects.filter(pk=news.pk).exists()


def test_plain_agent_gets_403_on_manager_pages(client, cde11, agent_cde11):
    client.force_login(agent_cde11)
    for name in ["caisse_profile", "cgu_edit", "news_list", "news_create"]:
        assert client.get(caisse_reverse(cde11, f"backoffice:{name}")).status_code == 403


def test_manager_edits_the_caisse_profile_with_history(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    url = caisse_reverse(cde11, "backoffice:caisse_profile")
    data = {
        "name": "Caisse des écoles Paris Onze",
        "logo_text": "caisse\ndes écoles",
        "accent_colour": "#123456",
        "contact_email": "nouveau@cdeparis11.fr",
        "contact_phone": "",
        "postal_address": "",
        "welcome_text": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    cde11.refresh_from_db()
    assert cde11.accent_colour == "#123456"
    assert cde11.history.count() >= 2
    assert cde11.history.first().history_user == manager_cde11


def test_bad_colour_is_refused_next_to_the_field_and_typed_values_kept(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    url = caisse_reverse(cde11, "backoffice:caisse_profile")
    response = client.post(
        url,
        {"name": "Nom tapé", "logo_text": "x", "accent_colour": "rouge", "contact_email": "pas-un-courriel"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Une couleur au format #RRGGBB." in content
    assert 'value="Nom tapé"' in content
    assert "fr-input-group--error" in content
    cde11.refresh_from_db()
    assert cde11.name != "Nom tapé"


def test_manager_publishes_cgu_and_the_public_page_shows_them(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    client.post(caisse_reverse(cde11, "backoffice:cgu_edit"), {"cgu_text": "Article unique : soyez sages."})
    cde11.refresh_from_db()
    assert cde11.cgu_updated_at is not None
    assert "Article unique : soyez sages." in client.get("/cde11/cgu/").content.decode()


def test_manager_writes_a_news_item_shown_on_the_welcome_page(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    response = client.post(
        caisse_reverse(cde11, "backoffice:news_create"),
        {
            "title": "Fermeture exceptionnelle",
            "body": "Grève le 12.",
            "publish_date": "2026-01-01",
            "pinned": "on",
        },
    )
    assert response.status_code == 302
    assert "Fermeture exceptionnelle" in client.get("/cde11/").content.decode()


def test_news_end_before_publication_is_refused(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    response = client.post(
        caisse_reverse(cde11, "backoffice:news_create"),
        {"title": "T", "body": "B", "publish_date": "2026-03-01", "end_date": "2026-02-01"},
    )
    assert response.status_code == 200
    assert "La fin de publication doit suivre la date de publication." in response.content.decode()
