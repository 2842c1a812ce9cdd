"""A refund for illness in the browser: the parent sends it, an agent decides, the parent reads the timeline."""

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in_page(browser, live_server):
    """A page of a browser context signed in as `user`; the contexts are closed after the test."""
    contexts = []

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        contexts.append(context)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_refund_request_from_sending_to_decision(logged_in_page, live_server, check_page):
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.requests.factories import enroll, household_of, last_school_week, pdf_bytes

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household = household_of(parent, caisse)
    child = household.children.get()
    enroll(child)
    agent = AgentRoleFactory(caisse=caisse, user__email="agent11@example.fr").user
    first, last = last_school_week(timezone.localdate())

    page = logged_in_page(parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    expect(page.get_by_role("heading", name="Mes dernières demandes et messages")).to_be_visible()
    check_page(page)
    follow(page.get_by_role("link", name="Faire une demande").first)
    check_page(page)
    page.get_by_role("link", name="Remboursement pour maladie").click()
    expect(page.get_by_role("heading", name="Remboursement pour maladie")).to_be_visible()
    check_page(page)
    page.get_by_label("Enfant").select_option(str(child.uuid))
    page.get_by_label("Premier jour d'absence").fill(first.isoformat())
    page.get_by_label("Dernier jour d'absence").fill(last.isoformat())
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.locator("label[for=id_visa_by_school]").click()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande a été envoyée à la Caisse.")).to_be_visible()
    expect(page.get_by_text("La Caisse va étudier votre demande.")).to_be_visible()
    check_page(page)

    agent_page = logged_in_page(agent)
    agent_page.goto(f"{live_server.url}/cde11/agent/")
    check_page(agent_page)
    agent_page.goto(f"{live_server.url}/cde11/agent/demandes/")
    check_page(agent_page)
    follow(agent_page.get_by_role("link", name="Remboursement pour maladie"))
    check_page(agent_page)
    agent_page.get_by_role("button", name="Prendre en charge").click()
    expect(agent_page.get_by_text("Vous êtes chargé(e) de cette demande.")).to_be_visible()
    agent_page.get_by_label("Message à la famille").fill("Certificat reçu, bon rétablissement.")
    agent_page.get_by_role("button", name="Accepter").click()
    expect(agent_page.get_by_text("La demande est acceptée")).to_be_visible()
    expect(agent_page.get_by_text("Avoir de 5 repas").first).to_be_visible()
    check_page(agent_page)

    page.reload()
    expect(page.get_by_text("Votre demande a été acceptée. Aucune démarche de plus.")).to_be_visible()
    timeline = page.locator(".refectoire-timeline li")
    expect(timeline).to_have_count(5)  # created, sent, assigned, in progress, accepted
    expect(page.get_by_text("Certificat reçu, bon rétablissement.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Retour à mes demandes").click()
    expect(page.get_by_role("cell", name="Acceptée", exact=True)).to_be_visible()
    check_page(page)


def test_conversation_documents_and_faq_pages_in_the_browser(logged_in_page, live_server, check_page):
    from refectoire.messaging.models import FaqEntry
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.requests.factories import household_of, pdf_bytes

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household_of(parent, caisse)
    manager = AgentRoleFactory(caisse=caisse, manager=True, user__email="gestion11@example.fr").user
    FaqEntry.objects.create(caisse=caisse, question="Je déménage, qui prévenir ?", answer="La Caisse.")

    page = logged_in_page(parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/questions-frequentes/")
    page.get_by_role("button", name="Je déménage, qui prévenir ?").click()
    expect(page.get_by_text("La Caisse.")).to_be_visible()
    check_page(page)
    page.goto(f"{live_server.url}/cde11/mon-espace/messages/nouveau/")
    check_page(page)
    page.get_by_label("Objet").fill("Allergie")
    page.get_by_label("Message").fill("Ma fille est allergique aux arachides.")
    page.set_input_files(
        "input[name=attachment]",
        files=[{"name": "pai.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="Allergie")).to_be_visible()
    check_page(page)

    agent_page = logged_in_page(manager)
    agent_page.goto(f"{live_server.url}/cde11/agent/messages/")
    check_page(agent_page)
    agent_page.get_by_role("link", name="Allergie").click()
    agent_page.get_by_label("Réponse").fill("Bien reçu, le restaurant est prévenu.")
    follow(agent_page.get_by_role("button", name="Envoyer la réponse"))
    check_page(agent_page)
    for path in (
        "questions-frequentes/",
        "questions-frequentes/nouvelle/",
        "documents/conservation/",
        "messages/nouveau/",
    ):
        agent_page.goto(f"{live_server.url}/cde11/agent/{path}")
        check_page(agent_page)

    page.goto(f"{live_server.url}/cde11/mon-espace/messages/")
    expect(page.get_by_text("1 non lu")).to_be_visible()
    check_page(page)
    page.goto(f"{live_server.url}/cde11/mon-espace/documents/")
    expect(page.get_by_role("link", name="pai.pdf")).to_be_visible()
    check_page(page)
    page.goto(f"{live_server.url}/cde11/mon-espace/demandes/nouvelle/changement-de-situation/")
    check_page(page)
    page.goto(f"{live_server.url}/cde11/mon-espace/demandes/nouvelle/radiation/")
    check_page(page)


def test_an_accepted_separation_reads_on_the_timeline_in_the_browser(logged_in_page, live_server, check_page):
    import datetime

    from refectoire.households.enums import GuardianRole
    from refectoire.requests import services
    from refectoire.requests.enums import RequestKind
    from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
    from tests.requests.factories import GuardianFactory, enroll, household_of

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household = household_of(parent, caisse)
    leaving = GuardianFactory(household=household, role=GuardianRole.CO_GUARDIAN, first_name="Sam")
    child = household.children.get()
    enroll(child)
    agent = AgentRoleFactory(caisse=caisse, user__email="agent11@example.fr").user
    today = timezone.localdate()
    effective = today + datetime.timedelta(days=14 - today.weekday())

    page = logged_in_page(parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/demandes/nouvelle/changement-de-situation/")
    page.get_by_label("Séparation (garde alternée)").check(force=True)
    page.get_by_label("À compter du").fill(effective.isoformat())
    page.get_by_label("Qui quitte le foyer ?").select_option(str(leaving.uuid))
    page.get_by_label("Garde alternée : mon foyer garde les semaines impaires").check(force=True)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande a été envoyée à la Caisse.")).to_be_visible()
    demand = household.requests.get(kind=RequestKind.SITUATION)
    services.request_accept(request=demand, caisse=caisse, actor=agent)
    page.reload()
    expect(page.get_by_text("Sam MARTIN ne fait plus partie du foyer", exact=False)).to_be_visible()
    expect(page.get_by_text("semaines impaires", exact=False).first).to_be_visible()
    expect(page.get_by_text("L'autre parent peut déclarer son propre foyer")).to_be_visible()
    check_page(page)
