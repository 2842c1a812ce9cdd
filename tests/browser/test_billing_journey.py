"""A parent pays an invoice online in the demo flow (eopayment's dummy backend)."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_parent_pays_an_invoice_online_in_the_demo(page, live_server, check_page):
    from refectoire.payments.demo import seed as seed_payments
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
    assert page.get_by_role("heading", name="Factures", exact=True).is_visible()
    expect(page.get_by_text("Facture non réglée", exact=True).first).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Restauration 40945 - Mars / Avril 2027").click()
    assert page.get_by_role("heading", name="Restauration 40945 - Mars / Avril 2027").is_visible()
    check_page(page)

    page.get_by_role("link", name="Payer la facture").click()
    assert page.get_by_role("heading", name="Payer ma facture en ligne").is_visible()
    check_page(page)

    page.get_by_role("button", name="Payer la facture").click()
    assert page.get_by_role("heading", name="Simulateur de paiement (démonstration)").is_visible()
    check_page(page)

    page.get_by_role("button", name="Valider le paiement").click()
    assert page.get_by_text("Votre paiement de 42,00 € est enregistré. Merci.").is_visible()
    check_page(page)

    page.get_by_role("link", name="Retour aux factures").click()
    expect(page.get_by_text("Facture réglée", exact=True).first).to_be_visible()
    check_page(page)
