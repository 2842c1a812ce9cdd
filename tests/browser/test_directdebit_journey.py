"""A parent signs a SEPA direct debit mandate (ticking the text and typing the password), with the
keyboard, sees it in « Prélèvement automatique », then revokes it; axe and 360 px on every page."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_parent_signs_and_revokes_a_mandate(page, live_server, check_page, patient_browser):
    from refectoire.directdebit.models import Mandate
    from tests.billing.factories import household_of
    from tests.directdebit.helpers import PASSWORD, setup_sepa
    from tests.factories import CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    setup_sepa(caisse)
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    parent.set_password(PASSWORD)
    parent.save()
    household_of(parent, caisse)
    client = Client()
    client.force_login(parent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    follow(page.get_by_role("link", name="Prélèvement automatique"))
    expect(page.get_by_role("heading", name="Prélèvement automatique", level=1)).to_be_visible()
    expect(page.get_by_text("8 semaines")).to_be_visible()
    check_page(page)

    # A wrong IBAN first: the fault is said next to the field, what was typed stays.
    page.get_by_label("Titulaire du compte").fill("Allison Lovinfosse")
    page.get_by_label("IBAN").first.fill("FR14 2004 1010 0505 0001 3M02 607")
    page.locator("label[for=id_accepted]").click()  # DSFR draws the box over the input
    page.get_by_label("Mot de passe de votre compte").fill(PASSWORD)
    follow(page.get_by_role("button", name="Signer le mandat"))
    expect(page.get_by_text("clé de contrôle incorrecte")).to_be_visible()
    expect(page.get_by_label("Titulaire du compte")).to_have_value("Allison Lovinfosse")
    check_page(page)

    # Then with the keyboard only: type, tab to the box, tick it with the space bar, submit with Enter.
    page.get_by_label("IBAN").first.fill("")
    page.get_by_label("IBAN").first.focus()
    page.keyboard.type("FR14 2004 1010 0505 0001 3M02 606")
    checkbox = page.get_by_label("J'ai lu le mandat")
    checkbox.focus()
    if not checkbox.is_checked():
        page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    page.get_by_label("Mot de passe de votre compte").focus()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.get_by_text("Mandat signé")).to_be_visible()
    expect(page.get_by_text("FR14 •••• •••• 2606", exact=False).first).to_be_visible()
    check_page(page)
    mandate = Mandate.objects.get()
    assert mandate.signed_by == parent

    follow(page.get_by_role("link", name="Révoquer le mandat"))
    expect(page.get_by_role("heading", name="Révoquer le mandat de prélèvement")).to_be_visible()
    check_page(page)
    page.locator("label[for=id_confirm]").click()
    follow(page.get_by_role("button", name="Révoquer le mandat"))
    expect(page.get_by_text("Mandat révoqué")).to_be_visible()
    expect(page.get_by_role("heading", name="Mandats précédents")).to_be_visible()
    check_page(page)
    mandate.refresh_from_db()
    assert mandate.state == "revoked"


def test_agent_cancels_a_planned_stay_debit_then_generates_the_batch_of_stays(
    page, live_server, check_page, patient_browser
):
    from refectoire.directdebit.models import DebitBatch, DebitCancellation
    from tests.billing.factories import household_of
    from tests.directdebit.helpers import setup_sepa, sign
    from tests.directdebit.test_stays_and_cancel import stay_invoice
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    setup_sepa(caisse, debit_stays=True)
    households = []
    for first, last in (("Allison", "Lovinfosse"), ("Marc", "Petit")):
        parent = UserFactory(first_name=first, last_name=last)
        households.append(household_of(parent, caisse))
        sign(households[-1], parent)
    cancelled = stay_invoice(caisse, households[0])
    kept = stay_invoice(caisse, households[1])
    agent = AgentRoleFactory(caisse=caisse).user
    client = Client()
    client.force_login(agent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/cde11/agent/prelevements/")
    follow(page.get_by_role("link", name="Prélèvements des séjours (OOFF)"))
    expect(page.get_by_role("heading", name="Prélèvements des séjours", level=1)).to_be_visible()
    check_page(page)

    # With the keyboard: the reason's field is labelled with the invoice, Enter submits it.
    reason = page.get_by_label(f"Motif de l'annulation (facture {cancelled.number})")
    reason.focus()
    page.keyboard.type("Payé en chèques-vacances")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.get_by_text(f"Prélèvement de la facture {cancelled.number} annulé")).to_be_visible()
    expect(page.get_by_label(f"Motif de l'annulation (facture {kept.number})")).to_be_visible()
    check_page(page)
    assert DebitCancellation.objects.get().invoice_id == cancelled.pk

    follow(page.get_by_role("button", name="Générer le fichier"))
    expect(page.get_by_text("Le lot de prélèvements des séjours est généré")).to_be_visible()
    check_page(page)
    batch = DebitBatch.objects.get(period__isnull=True)
    assert [debit.invoice_id for debit in batch.debits.all()] == [kept.pk]
