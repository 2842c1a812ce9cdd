"""A parent's whole account journey in chromium, for both Caisses, through the real pages.

Welcome → "Créer mon espace personnel" → CGU → identity, address, contact, password (the live
checklist) → activation e-mail received by a real SMTP server → activation → login by identifier →
"Mon espace" → logout → login by e-mail → logout → "J'ai oublié mon mot de passe" → new password →
login. Every page passes axe-core and the 360 px look.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.waits import follow
from tests.fakes import smtp
from tests.fakes.smtp import FakeSMTPServer

# The fakes' fixtures, for this module.
smtp_server = smtp.smtp_server
smtp_delivery = smtp.smtp_delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_browser")]


PASSWORD = "Tartine2026"
NEW_PASSWORD = "Goûter2027"


@pytest.fixture
def mail_through_worker(settings, smtp_delivery):
    """Mail as in production: queued as a task (run at once here), delivered by SMTP to the fake."""
    settings.EMAIL_BACKEND = "refectoire.core.mail.QueuedEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return smtp_delivery


def last_link(server: FakeSMTPServer, marker: str) -> str:
    body = server.text_of(server.messages[-1])
    match = re.search(r"https?://\S+" + re.escape(marker) + r"\S*", body)
    assert match, body
    return match.group(0)


def main(page):
    return page.locator("main")


def header_tools(page):
    return page.locator(".fr-header__tools-links")


def log_in(page, check_page, login, password):
    expect(page.get_by_role("heading", name="MON ESPACE PERSO")).to_be_visible()
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(password)
    main(page).get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Mon espace", exact=True)).to_be_visible()
    check_page(page)


def log_out(page, base):
    header_tools(page).get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{base}/")
    expect(header_tools(page).get_by_role("link", name="Se connecter")).to_be_visible()


@pytest.mark.parametrize("slug", ["cde11", "cde19"])
def test_a_parent_creates_activates_and_uses_their_space(
    page, live_server, check_page, mail_through_worker, request, slug
):
    caisse = request.getfixturevalue(slug)
    base = f"{live_server.url}/{slug}"
    email = f"parent.{slug}@example.fr"

    # Welcome page
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace famille")).to_be_visible()
    expect(main(page).get_by_text(caisse.name, exact=True)).to_be_visible()
    check_page(page)
    main(page).get_by_role("link", name="Créer mon espace personnel").click()

    # Step 1: the CGU
    expect(page.get_by_text("Étape 1 sur 2")).to_be_visible()
    check_page(page)
    main(page).get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Vous devez accepter les conditions générales d'utilisation")).to_be_visible()
    check_page(page)
    page.get_by_text("J'accepte les Conditions Générales d'Utilisation").click()
    main(page).get_by_role("button", name="Suivant").click()

    # Step 2: identity, address, contact, password
    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()
    check_page(page)
    page.locator("#id_civility").select_option("mme")
    page.locator("#id_last_name").fill("Lovinfosse")
    page.locator("#id_first_name").fill("Allison")
    page.locator("#id_birth_date").fill("1985-05-17")
    page.locator("#id_street_number").fill("12")
    page.locator("#id_street_name").fill("rue de la Roquette")
    page.locator("#id_apartment").fill("24")
    page.locator("#id_postcode").fill("75011")
    page.locator("#id_city").fill("Paris")
    page.locator("#id_email").fill(email)
    page.locator("#id_mobile_phone").fill("0612345678")
    checklist = page.locator("#password-rules")
    page.locator("#id_password1").press_sequentially("tartine")
    expect(checklist.locator('[data-rule="lower"]')).to_have_class(re.compile("is-valid"))
    expect(checklist.locator('[data-rule="upper"]')).not_to_have_class(re.compile("is-valid"))
    expect(checklist.locator("[data-status]")).to_have_text("Incomplet")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password1").dispatch_event("input")
    for rule in ["length", "lower", "upper", "digit"]:
        expect(checklist.locator(f'[data-rule="{rule}"]')).to_have_class(re.compile("is-valid"))
    expect(checklist.locator("[data-status]")).to_have_text("Correct")
    page.locator("#id_password2").fill(PASSWORD)
    check_page(page)
    main(page).get_by_role("button", name="Créer mon espace personnel").click()

    # The activation e-mail, through the worker and SMTP
    expect(page.get_by_role("heading", name="Activez votre espace")).to_be_visible()
    check_page(page)
    assert len(mail_through_worker.messages) == 1
    message = mail_through_worker.messages[0]
    assert message["To"] == email
    assert caisse.name in message["Subject"]
    identifier = re.search(r"Votre identifiant : (\S+)", mail_through_worker.text_of(message)).group(1)
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{5}", identifier)
    page.goto(last_link(mail_through_worker, f"/{slug}/compte/confirm-email/"))
    check_page(page)
    main(page).get_by_role("button", name="Activer mon espace").click()
    expect(
        page.get_by_text(f"Votre espace a bien été activé pour le nom d'utilisateur : {identifier}")
    ).to_be_visible()
    check_page(page)

    # Login by identifier, "Mon espace", logout
    follow(main(page).get_by_role("link", name="J'accède à mon espace personnel"))
    check_page(page)
    log_in(page, check_page, identifier, PASSWORD)
    # « Mon espace » puts first what is to do; the identity is on « Profil ».
    follow(main(page).get_by_role("link", name="Profil", exact=True))
    expect(page.get_by_role("heading", name="Mon identité")).to_be_visible()
    expect(main(page).get_by_text(identifier)).to_be_visible()
    expect(main(page).get_by_text("Madame Allison LOVINFOSSE")).to_be_visible()
    expect(main(page).get_by_text("17/05/1985")).to_be_visible()
    expect(main(page).get_by_text("06 12 34 56 78")).to_be_visible()
    log_out(page, base)

    # Login by e-mail from the welcome page, logout
    page.locator("#welcome-login").fill(email)
    page.locator("#welcome-password").fill(PASSWORD)
    main(page).get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Mon espace", exact=True)).to_be_visible()
    log_out(page, base)

    # "J'ai oublié mon mot de passe"
    main(page).get_by_role("link", name="J'ai oublié mon mot de passe").click()
    expect(page.locator("#id_email")).to_be_visible()
    check_page(page)
    page.locator("#id_email").fill(email)
    main(page).get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Courriel envoyé")).to_be_visible()
    check_page(page)
    assert len(mail_through_worker.messages) == 2
    page.goto(last_link(mail_through_worker, f"/{slug}/compte/password/reset/key/"))
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    check_page(page)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password1").dispatch_event("input")
    expect(page.locator("#password-rules [data-status]")).to_have_text("Correct")
    page.locator("#id_password2").fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", name="Mot de passe modifié")).to_be_visible()
    check_page(page)
    main(page).get_by_role("link", name="Connexion").click()
    log_in(page, check_page, identifier.lower(), NEW_PASSWORD)


def test_an_agent_sets_up_two_factor_authentication_before_the_back_office(
    page, live_server, check_page, settings, cde11, agent_cde11
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import PASSWORD as AGENT_PASSWORD

    settings.AGENT_MFA = "required"
    page.goto(f"{live_server.url}/cde11/agent/")
    log_in_form = page.locator("main form").last
    page.locator("#id_login").fill(agent_cde11.username)
    page.locator("#id_password").fill(AGENT_PASSWORD)
    log_in_form.get_by_role("button", name="Connexion").click()
    # allauth asks for the password again before a security change
    expect(page.get_by_text("La double authentification est obligatoire pour les agents")).to_be_visible()
    check_page(page)
    page.locator("input[type=password]").fill(AGENT_PASSWORD)
    main(page).locator("button[type=submit]").click()
    expect(page.locator("#authenticator_secret")).to_be_visible()
    check_page(page)
    secret = page.locator("#authenticator_secret").input_value()
    # The code is of the 30 s window of the moment it is typed; the server may read it in the next
    # window (a busy machine): refused then, the code of the new window is typed once more.
    for _attempt in range(2):
        page.locator("#id_code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
        follow(main(page).locator("button[type=submit]"))  # the POST has answered and its page loaded
        if "/recovery-codes/" in page.url:
            break
        expect(page.get_by_text("Code incorrect.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/recovery-codes/"))
    page.goto(f"{live_server.url}/cde11/agent/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace agents")
    check_page(page)
