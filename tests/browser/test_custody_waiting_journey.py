"""A parent enrolls a child in shared custody « selon un calendrier » before any calendar exists:
the enrollment waits (never « effective »), the confirmation shows once, the agents find it in their
queue. School staff find their adult meals first on « Mon espace »."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_enrollment_journey import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_calendar_custody_waits_for_its_calendar_and_reaches_the_agents_queue(
    page, live_server, check_page, cde11, parent_a, agent_cde11
):
    from tests.enrollment.conftest import open_school_year, pdf_bytes
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    open_school_year(cde11)
    SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    _household, (child,) = family(cde11, parent_a)

    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/inscription/")
    page.get_by_role("link", name="Inscription scolaire rentrée").first.click()
    page.get_by_label("Le lieu d'inscription de votre enfant").select_option(label="École élémentaire Keller")
    for day in ("Lundi", "Mardi"):
        page.get_by_text(day, exact=True).click()
    page.get_by_text("Oui", exact=True).click()
    page.get_by_label(re.compile("Calendrier de garde alternée")).set_input_files(
        files=[{"name": "garde.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Valider l'inscription").click()
    expect(page.get_by_text("doit d'abord saisir votre calendrier de garde")).to_be_visible()
    expect(page.get_by_role("heading", name="En attente du calendrier de garde")).to_be_visible()
    expect(page.get_by_text("est effective")).to_have_count(0)
    check_page(page)
    page.reload()
    expect(page.get_by_role("heading", name="En attente du calendrier de garde")).to_be_visible()
    expect(page.get_by_text("doit d'abord saisir votre calendrier de garde")).to_have_count(0)
    page.get_by_role("link", name="Planning de l'enfant").click()
    expect(page.get_by_text("Calendrier de garde attendu").first).to_be_visible()
    expect(page.get_by_text("Semaine de l'autre responsable")).to_have_count(0)
    check_page(page)
    page.context.clear_cookies()

    login(page, live_server, agent_cde11)
    page.goto(f"{live_server.url}/cde11/agent/")
    page.get_by_role("link", name="Gardes alternées à compléter (calendrier de garde)").click()
    expect(page.get_by_role("link", name=child.full_name)).to_be_visible()
    expect(page.get_by_role("link", name="Lier l'enfant à son autre foyer")).to_be_visible()
    check_page(page)


def test_school_staff_land_on_their_adult_meals_and_their_unpaid_invoice(
    page, live_server, check_page, cde11, agent_cde11
):
    from tests.adultmeals.test_dashboard import staff_with_an_unpaid_invoice

    teacher = staff_with_an_unpaid_invoice(cde11, agent_cde11)
    login(page, live_server, teacher)
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    expect(page.get_by_role("heading", name="Mes repas à la cantine")).to_be_visible()
    expect(page.get_by_role("link", name="Restauration adulte")).to_be_visible()
    expect(page.get_by_text("1 facture non réglée")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Mes factures de repas").click()
    expect(page.get_by_role("table", name="Mes factures de restauration adulte")).to_be_visible()
    check_page(page)
