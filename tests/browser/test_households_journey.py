"""Declare the household → the agent validates it → the parent sees "Ma famille" and the tiles."""

import pytest
from playwright.sync_api import expect

from tests.browser.waits import follow
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base, username):
    page.goto(f"{base}/cde11/compte/login/")
    page.get_by_label("Identifiant ou courriel").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def log_out(page, base):
    page.context.clear_cookies()


def test_declare_then_agent_validates_then_parent_sees_the_tiles(page, live_server, check_page):
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory

    base = live_server.url
    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(
        username="G4V-RNG6P", first_name="Allison", last_name="Lovinfosse", email="allison@example.fr"
    )
    agent = AgentRoleFactory(caisse=caisse, user__username="A11-AGENT", user__email="agent@example.fr").user

    # The parent declares the household.
    log_in(page, base, parent.username)
    page.goto(f"{base}/cde11/mon-espace/")
    check_page(page)
    follow(page.get_by_role("link", name="Déclarer mon entourage"))
    check_page(page)
    page.get_by_role("button", name="Déclarer mon entourage").click()
    expect(page.get_by_role("heading", name="Titulaire du compte")).to_be_visible()
    expect(page.locator(".refectoire-avatar").first).to_have_text("AL")
    check_page(page)

    follow(page.get_by_role("link", name="Ajouter un co-représentant"))
    check_page(page)
    page.get_by_label("Civilité").select_option("m")
    page.get_by_label("Nom d'usage").fill("Lovinfosse")
    page.get_by_label("Prénom").fill("Patrick")
    page.locator("label[for=id_same_address]").click()  # DSFR draws the box over the input
    follow(page.get_by_role("button", name="Enregistrer"))

    follow(page.get_by_role("link", name="Ajouter un enfant"))
    check_page(page)
    follow(page.get_by_role("button", name="Enregistrer"))  # empty: the errors show next to the fields
    expect(page.locator(".fr-error-text")).to_have_count(3)
    check_page(page)
    page.get_by_label("Prénom").fill("Elie")
    page.locator("#id_last_name").fill("Lovinfosse")
    page.get_by_label("Date de naissance").fill("2017-09-02")
    page.locator("label", has_text="Fille").click()
    follow(page.get_by_role("button", name="Enregistrer"))
    assert not page.locator(".fr-error-text").count(), page.locator(".fr-error-text").all_inner_texts()
    expect(page.locator(".refectoire-avatar")).to_have_count(3)

    page.get_by_role("button", name="Valider ma demande").click()
    expect(page.get_by_role("heading", name="En attente de validation")).to_be_visible()
    check_page(page)
    log_out(page, base)

    # The agent validates it.
    log_in(page, base, agent.username)
    page.goto(f"{base}/cde11/agent/")
    check_page(page)
    follow(page.get_by_role("link", name="Foyers à valider").first)
    check_page(page)
    follow(page.get_by_role("link", name="Allison LOVINFOSSE"))
    check_page(page)
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.get_by_text("Le foyer a été validé")).to_be_visible()
    log_out(page, base)

    # The parent sees "Ma famille" and the tiles.
    log_in(page, base, parent.username)
    page.goto(f"{base}/cde11/mon-espace/")
    for label in [
        "Inscription",
        "Simulation des tarifs",
        "Changement de situation",
        "Restauration adulte",
        "Factures",
        "Mes demandes",
        "Messages",
    ]:
        expect(page.get_by_role("link", name=label, exact=True).first, label).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Ma famille", exact=True).first.click()
    expect(page.get_by_role("heading", name="Ma famille", exact=True)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Factures", exact=True).first.click()
    expect(page.get_by_role("heading", name="Factures", exact=True)).to_be_visible()
    check_page(page)
