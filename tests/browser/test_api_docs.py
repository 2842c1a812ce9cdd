"""The API's docs page works with the network closed: Swagger UI comes from our static files and
draws every operation of the published schema; no request leaves the server."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_page_draws_the_operations_from_our_own_files(page, live_server, patient_browser):
    from tests.factories import CaisseFactory

    CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    hosts, errors = set(), []
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/cde11/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Réfectoire")
    for path in (
        "/cde11/api/v1/forecast",
        "/cde11/api/v1/schools/{code}/attendance/{day}",
        "/cde11/api/v1/tariffs",
    ):
        expect(page.locator(".opblock-summary-path", has_text=path).first).to_be_visible()
    assert hosts == {urlparse(live_server.url).netloc}
    assert errors == []
