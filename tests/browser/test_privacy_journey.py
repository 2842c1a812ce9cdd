"""The family's personal data in chromium, for both Caisses, through the real pages (issue 22).

- « Mon espace » → « Mes données » → « Préparer le fichier de mes données »: the live region shows
  the progress while the worker (`db_worker`, the production path) builds the ZIP, then the link;
  the e-mail reaches a real SMTP server; the ZIP downloads once (its JSON holds the household's
  data, its PDFs the family's document and invoice), a second use is refused, and the link is
  another account's 404.
- « Demander la suppression de mon compte »: the reasons it may be refused, the request sent, the
  agent's queue shows it; the agent refuses with a reason, the family is told by e-mail and reads it.
- « Données personnelles », linked in every footer: the DPO, the processings, the CNIL's address.

Every page passes axe-core and the 360 px look (`check_page`).
"""

import json
import re
import signal
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from refectoire.privacy.enums import ErasureState, ExportState
from refectoire.privacy.models import DataExport, ErasureRequest
from refectoire.privacy.services import privacy_settings_update
from tests.billing.factories import InvoiceFactory
from tests.browser.waits import follow
from tests.factories import UserFactory
from tests.fakes import smtp
from tests.fakes.smtp import FakeSMTPServer
from tests.requests.factories import household_of, stored_document

# The fakes' fixtures, for this module.
smtp_server = smtp.smtp_server
smtp_delivery = smtp.smtp_delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_browser")]

FAMILIES = {"cde11": ("parent_a", "household_a"), "cde19": ("parent_19", "household_19")}


@pytest.fixture
def worker_and_mail(settings, live_server, smtp_delivery):
    """As in production: the export and the e-mails are tasks in the database, run by `db_worker`
    when the test says so; the e-mails reach the SMTP fake; links point at the live server."""
    settings.EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BASE_URL = live_server.url
    return smtp_delivery


def run_worker():
    """`manage.py db_worker --batch`: every waiting task, then exit."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def log_in(page, live_server, user):
    """The session of `user` in the browser (the login form has its own journey)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def main(page):
    return page.locator("main")


def links_in(server: FakeSMTPServer, message) -> list[str]:
    return re.findall(r"https?://\S+", server.text_of(message))


def family(request, slug):
    parent_name, household_name = FAMILIES[slug]
    return request.getfixturevalue(parent_name), request.getfixturevalue(household_name)


@pytest.mark.parametrize("slug", ["cde11", "cde19"])
def test_a_family_downloads_its_data_once_through_the_worker(
    page, live_server, check_page, worker_and_mail, request, slug
):
    caisse = request.getfixturevalue(slug)
    parent, household = family(request, slug)
    stored_document(household)
    invoice = InvoiceFactory(caisse=caisse, household=household, issued=True)
    child = household.children.order_by("pk").first()
    base = f"{live_server.url}/{slug}"

    log_in(page, live_server, parent)
    page.goto(f"{base}/mon-espace/")
    follow(main(page).get_by_role("link", name="Mes données"))
    expect(page.get_by_role("heading", name="Mes données", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Télécharger mes données")).to_be_visible()
    check_page(page)

    follow(main(page).get_by_role("button", name="Préparer le fichier de mes données"))
    expect(
        page.get_by_text("Vos données sont en préparation. Vous recevrez un courriel avec le lien.")
    ).to_be_visible()
    status = page.locator("#export-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status.get_by_text("Préparation de vos données")).to_be_visible()
    expect(page.get_by_role("button", name="Préparer le fichier de mes données")).to_have_count(0)
    check_page(page)
    export = DataExport.objects.get(household=household)
    assert export.state == ExportState.QUEUED  # queued for the worker, nothing built by the request
    assert worker_and_mail.messages == []

    # The page reads the export's state while it waits: the bar follows what the worker writes.
    DataExport.objects.filter(pk=export.pk).update(progress=40)
    expect(page.locator("#export-progress")).to_have_attribute("value", "40")

    # The worker builds the ZIP and sends the e-mail; the live region then offers the file.
    run_worker()
    export.refresh_from_db()
    assert export.state == ExportState.READY
    download_link = status.get_by_role("link", name="Télécharger mes données (ZIP)")
    expect(download_link).to_be_visible()
    expect(status).to_contain_text("Votre fichier est prêt. Il se télécharge une seule fois")
    expect(page.locator("#export-progress")).to_have_count(0)
    check_page(page)

    # The e-mail: to the account that asked, with the link of the page.
    assert [recipients for _from, recipients in worker_and_mail.envelopes] == [[parent.email]]
    message = worker_and_mail.messages[0]
    assert caisse.name in message["Subject"] and "Vos données sont prêtes" in message["Subject"]
    (link,) = links_in(worker_and_mail, message)
    assert link == live_server.url + download_link.get_attribute("href")

    # Someone else's account: not found, and the link stays usable for its owner.
    other = UserFactory(email=f"autre.{slug}@example.fr")
    household_of(other, caisse)
    other_context = page.context.browser.new_context(locale="fr-FR")
    try:
        other_page = other_context.new_page()
        log_in(other_page, live_server, other)
        answer = other_page.goto(link)
        assert answer.status == 404
    finally:
        other_context.close()
    export.refresh_from_db()
    assert export.state == ExportState.READY

    # The owner downloads it.
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"mes-donnees-{slug}.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("donnees.json"))
        pdfs = {name: archive.read(name) for name in names if name.endswith(".pdf")}
    assert names[0] == "donnees.json"
    assert data["caisse"] == {"slug": slug, "name": caisse.name}
    sections = data["sections"]
    assert sections["account"]["users"][0]["email"] == parent.email
    assert child.first_name in json.dumps(sections["household"], ensure_ascii=False)
    assert [item["number"] for item in sections["invoices"]] == [invoice.number]
    assert any(name.startswith("documents/") for name in pdfs)
    assert any(name.startswith("factures/") for name in pdfs)
    assert all(content.startswith(b"%PDF") for content in pdfs.values())

    # Once: the link of the e-mail is refused now, and the page says the file is gone.
    follow_page = page.goto(link)
    assert follow_page.status == 200
    expect(page).to_have_url(f"{base}/mon-espace/mes-donnees/")
    expect(
        page.get_by_text("Ce lien a déjà servi ou a expiré : demandez un nouveau fichier.")
    ).to_be_visible()
    expect(status).to_contain_text("Fichier téléchargé le")
    expect(main(page).get_by_role("button", name="Préparer le fichier de mes données")).to_be_visible()
    check_page(page)
    export.refresh_from_db()
    assert export.state == ExportState.DOWNLOADED


@pytest.mark.parametrize("slug", ["cde11", "cde19"])
def test_a_family_asks_to_close_its_account_and_the_agent_answers(
    page, live_server, check_page, worker_and_mail, request, slug
):
    caisse = request.getfixturevalue(slug)
    parent, household = family(request, slug)
    agent = request.getfixturevalue(f"agent_{slug}")
    InvoiceFactory(caisse=caisse, household=household, issued=True)  # unpaid: a reason to refuse
    base = f"{live_server.url}/{slug}"

    log_in(page, live_server, parent)
    page.goto(f"{base}/mon-espace/mes-donnees/")
    section = main(page)
    expect(section.get_by_role("heading", name="Demander la suppression de mon compte")).to_be_visible()
    expect(section.get_by_text("La Caisse peut refuser ou différer la suppression")).to_be_visible()
    expect(section.get_by_text("tant que des factures ne sont pas réglées")).to_be_visible()
    expect(section.get_by_text("1 facture non réglée aujourd'hui.")).to_be_visible()
    expect(section.get_by_text("sont gardées 10 ans, comme la loi l'impose")).to_be_visible()
    check_page(page)

    section.get_by_label("Votre message (facultatif)").fill("Nous déménageons en province.")
    follow(section.get_by_role("button", name="Demander la suppression de mon compte"))
    expect(page.get_by_text("Votre demande de suppression a été envoyée à la Caisse.")).to_be_visible()
    expect(section.get_by_text("est en cours d'examen par la Caisse")).to_be_visible()
    expect(section.get_by_role("button", name="Annuler ma demande de suppression")).to_be_visible()
    check_page(page)
    erasure = ErasureRequest.objects.get(household=household)
    assert erasure.state == ErasureState.SUBMITTED and erasure.message == "Nous déménageons en province."

    # The agent's queue (another browser, the agent's session).
    agent_context = page.context.browser.new_context(locale="fr-FR")
    try:
        agent_page = agent_context.new_page()
        agent_page.set_default_timeout(30_000)
        log_in(agent_page, live_server, agent)
        agent_page.goto(f"{base}/agent/donnees-personnelles/suppressions/")
        queue = main(agent_page)
        expect(queue.get_by_role("heading", name="Demandes de suppression de compte")).to_be_visible()
        expect(queue.get_by_role("link", name=re.compile(re.escape(household.display_name)))).to_be_visible()
        check_page(agent_page)
        follow(queue.get_by_role("link", name=re.compile(re.escape(household.display_name))))
        expect(main(agent_page).get_by_text("Nous déménageons en province.")).to_be_visible()
        check_page(agent_page)
        main(agent_page).get_by_text("Refuser", exact=True).click()
        main(agent_page).get_by_label("Message à la famille (obligatoire pour un refus)").fill(
            "Une facture reste à régler : la suppression sera possible ensuite."
        )
        follow(main(agent_page).get_by_role("button", name=re.compile("Enregistrer")))
        expect(agent_page.get_by_text("La décision est enregistrée.")).to_be_visible()
        expect(main(agent_page).get_by_text("Aucune demande en attente.")).to_be_visible()
        check_page(agent_page)
    finally:
        agent_context.close()
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.REFUSED

    # The family is told by e-mail (the worker delivers it) and reads the reason on its page.
    run_worker()
    assert [recipients for _from, recipients in worker_and_mail.envelopes] == [[parent.email]]
    message = worker_and_mail.messages[0]
    assert "Votre demande de suppression de compte" in message["Subject"]
    (link,) = links_in(worker_and_mail, message)
    assert link == f"{base}/mon-espace/mes-donnees/"
    page.goto(link)
    expect(main(page).get_by_text("Votre demande a été refusée le")).to_be_visible()
    expect(
        main(page).get_by_text("Une facture reste à régler : la suppression sera possible ensuite.")
    ).to_be_visible()
    check_page(page)


@pytest.mark.parametrize("slug", ["cde11", "cde19"])
def test_the_public_personal_data_page_of_each_caisse(page, live_server, check_page, request, slug):
    caisse = request.getfixturevalue(slug)
    privacy_settings_update(
        caisse=caisse,
        dpo_name=f"Délégué {slug}",
        dpo_email=f"dpo@{slug}.example.fr",
        dpo_address="1 place de la Mairie\n75000 Paris",
        inactive_years=3,
    )
    page.goto(f"{live_server.url}/{slug}/")
    follow(page.locator("footer").get_by_role("link", name="Données personnelles"))
    expect(page).to_have_url(f"{live_server.url}/{slug}/donnees-personnelles/")
    content = main(page)
    expect(content.get_by_role("heading", name="Données personnelles", level=1)).to_be_visible()
    expect(content.get_by_text(caisse.name).first).to_be_visible()

    table = content.get_by_role("table", name="Les traitements")
    expect(table).to_be_visible()
    for purpose in [
        "Inscription à la restauration scolaire, planning, absences",
        "Calcul du tarif",
        "Facturation et paiement",
        "Séjours de vacances",
        "Demandes et messages",
        "Sécurité : journal des consultations par les agents",
    ]:
        expect(table.get_by_role("rowheader", name=purpose)).to_be_visible()
    expect(
        table.get_by_text("3 ans après la dernière activité du foyer, puis anonymisation").first
    ).to_be_visible()

    expect(content.get_by_role("heading", name="Délégué à la protection des données")).to_be_visible()
    expect(content.get_by_text(f"Délégué {slug}")).to_be_visible()
    expect(content.get_by_role("link", name=f"dpo@{slug}.example.fr")).to_have_attribute(
        "href", f"mailto:dpo@{slug}.example.fr"
    )
    address = content.locator("address")
    expect(address).to_contain_text("Commission nationale de l'informatique et des libertés (CNIL)")
    expect(address).to_contain_text("3 place de Fontenoy")
    expect(address).to_contain_text("75334 Paris Cedex 07")
    check_page(page)
