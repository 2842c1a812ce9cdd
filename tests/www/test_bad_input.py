"""Input no person types (a NUL byte) is a bad request in French, never a 500; every page of
error speaks French with the Caisse's look (tested with DEBUG off, as in production)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path

from refectoire.www import errors
from tests.requests.factories import household_of

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_a_payfip_notification_is_a_bad_request(client, cde11):
    response = client.post("/cde11/mon-espace/paiement/notification/", {"idOp": "a\x00b"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Demande invalide" in html
    assert cde11.name in html  # the Caisse's look


def test_a_nul_byte_in_a_feed_address_is_a_bad_request(client, cde11):
    response = client.get("/cde11/mon-espace/planning/flux/abc%00def.ics")
    assert response.status_code == 400
    assert "Demande invalide" in response.content.decode()


def test_a_nul_byte_in_a_query_is_a_bad_request(client, cde11, parent_a):
    household_of(parent_a, cde11)
    client.force_login(parent_a)
    response = client.get("/cde11/mon-espace/paiement/retour/?idop=x%00")
    assert response.status_code == 400
    assert "Demande invalide" in response.content.decode()


def test_a_nul_byte_in_a_caisse_slug_or_a_cookie_is_a_bad_request(client, cde11):
    assert client.get("/cde%0011/").status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/cde11/").status_code == 400


def test_a_nul_byte_in_a_multipart_field_is_a_bad_request(client, cde11, parent_a):
    household = household_of(parent_a, cde11)
    client.force_login(parent_a)
    response = client.post(
        "/cde11/mon-espace/demandes/nouvelle/correction/",
        {"text": "Une\x00erreur", "attachment": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert not household.requests.exists()


def test_a_page_not_found_is_french_with_the_caisse_look(client, cde11):
    response = client.get("/cde11/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html and cde11.name in html


def boom(request):
    raise RuntimeError("boom")


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [
    path("boom/", boom),
    path("interdit/", forbidden),
    path("", include("refectoire.urls_caisse")),
]
handler400 = "refectoire.www.errors.bad_request"
handler500 = "refectoire.www.errors.server_error"


@pytest.fixture
def failing_caisse_urls(settings):
    settings.DEBUG = False
    settings.CAISSE_URLCONF = __name__


def test_a_server_error_is_french_with_the_caisse_look(failing_caisse_urls, cde11):
    response = Client(raise_request_exception=False).get("/cde11/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html
    assert cde11.name in html and cde11.contact_email in html
    assert "Server Error" not in html


def test_a_refusal_is_french_with_the_caisse_look(failing_caisse_urls, cde11):
    response = Client().get("/cde11/interdit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html and cde11.name in html


def test_the_page_of_server_error_is_plain_french_when_rendering_fails(rf, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()
