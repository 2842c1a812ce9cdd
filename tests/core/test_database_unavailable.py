"""The database unreachable: a French 503 page (the Caisse's look when it was known), never a 500.

A real restart of PostgreSQL under load is in bench/pg_restart.py (a throwaway server).
"""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper


@pytest.fixture
def down_urls(settings):
    settings.ROOT_URLCONF = "tests.core.urls_database_down"
    settings.CAISSE_URLCONF = "tests.core.urls_database_down"


def assert_french_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "Rien de ce que vous avez envoyé n'a été enregistré à moitié" in page
    return page


@pytest.mark.parametrize("path", ["/perdue/", "/fermee/"])
def test_a_request_that_loses_the_database_gets_the_french_503_page(client, db, down_urls, path):
    client.raise_request_exception = False
    page = assert_french_503(client.get(path))
    assert "Réfectoire" in page


def test_the_503_page_wears_the_caisse_s_look_when_the_caisse_was_read(client, cde11, down_urls):
    client.raise_request_exception = False
    page = assert_french_503(client.post("/cde11/perdue/"))
    assert f"— {cde11.name}</title>" in page
    assert cde11.accent_colour in page and "dsfr/dist/dsfr/dsfr.min.css" in page


def test_a_database_that_does_not_answer_at_all_gives_the_503_page(client, db, down_urls, monkeypatch):
    """The first query of the request (the Caisse of /cde11/, in a middleware) already fails."""
    client.raise_request_exception = False

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refused)
        response = client.get("/cde11/ok/")
    assert_french_503(response)


def test_other_errors_stay_500(client, db, down_urls):
    """Only the database's unavailability is a 503: a bug stays a 500."""
    client.raise_request_exception = False
    assert client.get("/bug/").status_code == 500
