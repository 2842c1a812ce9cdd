"""A parent pays an invoice online in the demo flow (eopayment's dummy backend)."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_parent_pays_an_invoice_online_in_the_demo(page, live_server, check_page):
    from refectoire.demo.payments import seed as seed_payments
    from tests.billing.factories import InvoiceFactory, household_of
    from tests.factories import CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    seed_payments(stdout=io.StringIO())  # PayFIP on the dummy backend, as in the demo
    household = household_of(parent, caisse)
    InvoiceFactory(caisse=caisse, household=household, issued=True, number=40945, total=Decimal("42.00"))

    client = Client()
    client.force_login(parent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    expect(page.get_by_role("heading", name="Factures", exact=True)).to_be_visible()
    expect(page.get_by_text("Facture non réglée", exact=True).filter(visible=True).first).to_be_visible()
    check_page(page)

    follow(page.get_by_role("link", name="Restauration 40945 - Mars / Avril 2027"))
    expect(page.get_by_role("heading", name="Restauration 40945 - Mars / Avril 2027")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("link", name="Payer la facture"))
    expect(page.get_by_role("heading", name="Payer ma facture en ligne")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("button", name="Payer la facture"))
    expect(page.get_by_role("heading", name="Simulateur de paiement (démonstration)")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("button", name="Valider le paiement"))
    expect(page.get_by_text("Votre paiement de 42,00 € est enregistré. Merci.")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Retour aux factures").click()
    expect(page.get_by_text("Facture réglée", exact=True).filter(visible=True).first).to_be_visible()
    check_page(page)


def test_an_agent_downloads_the_stay_invoices_from_the_exports_screen(page, live_server, check_page, client):
    import datetime

    from django.utils import timezone

    from refectoire.stays.invoicing import stay_invoice_issue
    from tests.billing.stays import confirmed_place, priced_caisse
    from tests.factories import AgentRoleFactory, CaisseFactory

    caisse = CaisseFactory(slug="cde19", name="Caisse des écoles du 19e arrondissement")
    priced_caisse(caisse)
    invoice = stay_invoice_issue(choice=confirmed_place(caisse))
    agent = AgentRoleFactory(caisse=caisse).user
    client.force_login(agent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cde19/agent/facturation/")
    page.get_by_role("link", name="Exports comptables").click()
    expect(page.get_by_role("heading", name="Factures hors période (séjours)")).to_be_visible()
    check_page(page)

    today = timezone.localdate()
    page.locator("#id_issued_from").fill((today - datetime.timedelta(days=30)).isoformat())
    page.locator("#id_issued_to").fill(today.isoformat())
    page.locator("label[for=id_fmt_0]").click()  # CSV
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Exporter").click()
    download = download_info.value
    assert download.suggested_filename.startswith("factures-sejours-cde19-")
    with open(download.path(), encoding="utf-8") as exported:
        rows = exported.read().splitlines()
    assert rows[1].split(";")[0] == str(invoice.number)


def test_a_parent_who_is_school_staff_finds_the_adult_invoices_from_factures(
    page, live_server, check_page, client
):
    from tests.billing.adults import issued_adult_invoice, teacher_and_registration
    from tests.billing.factories import InvoiceFactory, household_of
    from tests.factories import AgentRoleFactory, CaisseFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    agent = AgentRoleFactory(caisse=caisse).user
    teacher, registration = teacher_and_registration(caisse, agent)
    InvoiceFactory(caisse=caisse, household=household_of(teacher, caisse), issued=True, number=40945)
    issued_adult_invoice(caisse, registration, number=40950)
    client.force_login(teacher)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    expect(page.get_by_role("heading", name="Vos factures de restauration adulte")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Voir mes factures de restauration adulte").click()
    expect(page.get_by_text("Restauration 40950 - Mars / Avril 2027").first).to_be_visible()
