import pytest
from django.urls import get_resolver

from refectoire.caisses.urls import caisse_reverse
from tests.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def test_root_lists_every_active_caisse_with_a_link_to_its_portal(client, cde11, cde19):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/cde11/"' in content and 'href="/cde19/"' in content
    assert "Caisse des écoles Paris 11e" in content


def test_unknown_caisse_slug_is_a_plain_404(client, cde11):
    response = client.get("/cde99/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_inactive_caisse_is_a_404(client, cde11):
    cde11.is_active = False
    cde11.save()
    assert client.get("/cde11/").status_code == 404


def test_slug_without_slash_redirects_to_the_portal(client, cde11):
    response = client.get("/cde11")
    assert response.status_code == 301
    assert response["Location"] == "/cde11/"


def test_welcome_page_shows_the_caisse_and_its_own_latest_three_news(client, cde11, cde19):
    for rank in range(4):
        NewsItemFactory(caisse=cde11, title=f"Nouvelle onze {rank}")
    NewsItemFactory(caisse=cde19, title="Nouvelle dix-neuf")
    response = client.get("/cde11/")
    content = response.content.decode()
    assert "Bienvenue dans votre espace famille" in content
    assert "Caisse des écoles Paris 11e" in content
    assert content.count("Lire la suite") == 3
    assert "Voir toutes les actualités" in content
    assert "Nouvelle dix-neuf" not in content
    assert "MON ESPACE PERSO" in content and "JE N'AI PAS D'ESPACE" in content
    assert "J'ai oublié mon mot de passe" in content
    assert "Créer mon espace personnel" in content


def test_news_of_another_caisse_is_a_404(client, cde11, cde19):
    other = NewsItemFactory(caisse=cde19)
    assert (
        client.get(caisse_reverse(cde11, "public:news_detail", kwargs={"news_uuid": other.uuid})).status_code
        == 404
    )
    assert (
        client.get(caisse_reverse(cde19, "public:news_detail", kwargs={"news_uuid": other.uuid})).status_code
        == 200
    )


def test_links_inside_a_caisse_stay_inside_it(client, cde11, cde19):
    content = client.get("/cde19/").content.decode()
    assert 'action="/cde19/compte/login/"' in content
    assert 'href="/cde19/compte/inscription/conditions/"' in content
    assert "/cde11/compte" not in content


def test_each_caisse_has_its_own_cgu(client, cde11, cde19):
    cde19.cgu_text = "Conditions propres au 19e"
    cde19.save()
    assert "Conditions propres au 19e" in client.get("/cde19/cgu/").content.decode()
    assert "Conditions propres au 19e" not in client.get("/cde11/cgu/").content.decode()


def test_security_headers_are_sent(client, cde11):
    response = client.get("/cde11/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_caisse_urlconf_has_no_unnamed_backoffice_route():
    resolver = get_resolver("refectoire.urls_caisse")
    assert "backoffice" in resolver.namespace_dict
