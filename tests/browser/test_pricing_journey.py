"""A whole tariff journey in chromium: simulate, ask with a proof, the agent decides, the parent
sees the bracket. Each page passes axe-core and the 360 px look."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_simulate_ask_decide_and_see_the_bracket(page, live_server, check_page, tmp_path):
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.pricing.factories import household_of, paris_grid, pdf_bytes

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    grid = paris_grid(caisse)
    year = grid.school_year
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household_of(parent, caisse, children=2, reference="F11-0001")
    agent = AgentRoleFactory(caisse=caisse, user__email="agent11@example.fr").user
    base = f"{live_server.url}/cde11"

    # 1. The public simulator, from the welcome page.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Simulation des tarifs").click()
    page.get_by_label("En couple").check(force=True)
    page.get_by_label("Nombre d'enfants à charge").fill("2")
    page.get_by_label("Ni l'un ni l'autre : mes ressources mensuelles").check(force=True)
    page.get_by_label("Ressources mensuelles nettes imposables du foyer (€)").fill("3200")
    page.get_by_role("button", name="Calculer mon tarif").click()
    expect(page.locator("#tariff-result").get_by_text("Tarif 5")).to_be_visible()
    expect(page.get_by_role("row", name="Tarif 5 (votre tarif)")).to_be_visible()
    check_page(page)

    # 2. The parent's request with a proof, after the estimate.
    log_in(page, live_server, parent)
    page.goto(f"{base}/mon-espace/tarif/")
    check_page(page)
    follow(page.get_by_role("link", name="Tarif 2026-2027"))
    check_page(page)
    page.get_by_role("link", name="Demande de tarif dégressif 2026-2027").click()
    expect(page.get_by_text("le tarif 10 soit 7,00 euros le repas")).to_be_visible()
    page.get_by_label("En couple").check(force=True)
    page.get_by_label("Ni l'un ni l'autre : mes ressources mensuelles").check(force=True)
    page.get_by_label("Ressources mensuelles nettes imposables du foyer (€)").fill("3200")
    page.get_by_role("button", name="Estimer mon tarif").click()
    expect(page.locator("#tariff-estimate").get_by_text("Tarif estimé : tarif 5")).to_be_visible()
    check_page(page)
    proof = tmp_path / "avis-imposition.pdf"
    proof.write_bytes(pdf_bytes())
    page.get_by_label("Justificatif de ressources (obligatoire)").set_input_files(str(proof))
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Votre demande de tarif a été transmise")).to_be_visible()
    expect(page.locator("#tariff-state").get_by_text("Envoyée", exact=True)).to_be_visible()
    check_page(page)

    # 3. The agent decides.
    log_in(page, live_server, agent)
    page.goto(f"{base}/agent/")
    follow(page.get_by_role("link", name="Demandes de tarif").first)
    check_page(page)
    page.get_by_role("link", name="Foyer LOVINFOSSE").click()
    expect(page.locator("#computed-bracket").get_by_text("Tarif 5")).to_be_visible()
    expect(page.get_by_role("link", name="avis-imposition.pdf")).to_be_visible()
    check_page(page)
    page.locator("#id_bracket_number").select_option("5")
    page.get_by_role("button", name="Décider").click()
    expect(page.locator("#request-state").get_by_text("Décidée")).to_be_visible()
    check_page(page)

    # 4. The parent sees the bracket.
    log_in(page, live_server, parent)
    page.goto(f"{base}/mon-espace/tarif/{year.uuid}/")
    expect(page.locator("#tariff-state").get_by_text("Tarif 5 : 3,62 € par repas")).to_be_visible()
    check_page(page)


def test_the_caf_quotient_journey_and_the_managers_pages(page, live_server, check_page):
    from refectoire.pricing.models import PricingSettings, TariffGrid
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.pricing.factories import household_of, paris_grid
    from tests.pricing.fake_api_particulier import TOKEN, FakeApiParticulier

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    year = paris_grid(caisse).school_year
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", birth_name="Lovinfosse")
    household_of(parent, caisse, children=2, reference="F11-0001")
    manager = AgentRoleFactory(caisse=caisse, manager=True).user
    base = f"{live_server.url}/cde11"
    with FakeApiParticulier() as fake:
        PricingSettings.objects.create(
            caisse=caisse,
            api_particulier_url=fake.url,
            api_particulier_token=TOKEN,
            api_particulier_recipient="1",
        )
        log_in(page, live_server, parent)
        page.goto(f"{base}/mon-espace/tarif/{year.uuid}/demande/")
        follow(page.get_by_role("link", name="Récupérer mon quotient familial auprès de la CAF"))
        check_page(page)
        page.get_by_label("Code INSEE de la commune de naissance").fill("75111")
        page.get_by_label("J'accepte que la Caisse des écoles interroge").check(force=True)
        page.get_by_role("button", name="Interroger la CAF").click()
        expect(page.locator("#caf-answer").get_by_text("09/2026")).to_be_visible()
        check_page(page)
        page.get_by_role("button", name="Ces informations sont correctes").click()
        expect(page.locator("#tariff-state").get_by_text("Envoyée", exact=True)).to_be_visible()
    log_in(page, live_server, manager)
    page.goto(f"{base}/agent/")
    check_page(page)
    follow(page.get_by_role("link", name="Grilles tarifaires"))
    check_page(page)
    page.goto(f"{base}/agent/tarifs/grilles/{TariffGrid.objects.get().uuid}/")
    check_page(page)
    page.goto(f"{base}/agent/tarifs/reglages/")
    check_page(page)
    page.goto(f"{base}/agent/tarifs/sans-tarif/")
    check_page(page)


def test_a_manager_sets_the_panier_repas_price_with_the_keyboard(page, live_server, check_page):
    """Issue 18: the panier-repas price of a grid, a wrong share said next to its field, then saved."""
    import re
    from decimal import Decimal

    from tests.factories import AgentRoleFactory, CaisseFactory
    from tests.pricing.factories import paris_grid

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    grid = paris_grid(caisse)
    manager = AgentRoleFactory(caisse=caisse, manager=True).user
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/cde11/agent/tarifs/grilles/{grid.uuid}/")
    page.get_by_label("Part du prix du repas de la tranche", exact=True).focus()
    page.keyboard.press("Space")
    value = page.get_by_label("Montant (€) ou part du prix du repas de la tranche (%)")
    value.fill("150")
    value.press("Enter")
    expect(page.locator("#id_packed_meal_value-desc-error")).to_contain_text("entre 0 et 100")
    expect(page.get_by_label("Montant (€) ou part du prix du repas de la tranche (%)")).to_have_value("150")
    check_page(page)
    value = page.get_by_label("Montant (€) ou part du prix du repas de la tranche (%)")
    value.fill("50")
    value.press("Enter")
    expect(
        page.get_by_text(re.compile(r"Panier repas \(PAI\) : 50\s% du prix du repas de la tranche"))
    ).to_be_visible()
    check_page(page)
    grid.refresh_from_db()
    assert (grid.packed_meal_pricing, grid.packed_meal_value) == ("share", Decimal("50.00"))
