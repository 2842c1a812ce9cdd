import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_welcome_page_is_accessible_and_fits_a_phone(page, live_server, check_page):
    from tests.factories import CaisseFactory, NewsItemFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    NewsItemFactory(caisse=caisse, title="Inscriptions 2026-2027")
    page.goto(f"{live_server.url}/cde11/")
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace famille")).to_be_visible()
    expect(page.get_by_role("heading", name="Inscriptions 2026-2027")).to_be_visible()
    check_page(page)
    page.goto(f"{live_server.url}/")
    check_page(page)
