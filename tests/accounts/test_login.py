"""Activation, login by identifier or e-mail, logout, password reset, and the limits on each."""

import datetime
import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmation
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import mail
from django.utils import timezone

from refectoire.accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD, link_in, page, path_of
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY_LOGINS = "Trop de tentatives de connexion ont échoué pour cet identifiant."
NOT_ACTIVATED = "Votre espace n'est pas encore activé."


def text(response) -> str:
    """The visible text of a page: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def login(client, caisse, curl, identifier, password):
    return client.post(curl(caisse, "account_login"), {"login": identifier, "password": password})


def is_logged_in(client, caisse, curl) -> bool:
    return client.get(curl(caisse, "portal:dashboard")).status_code == 200


def activate(client, confirm_path):
    client.get(confirm_path)
    return client.post(confirm_path)


# Activation ---------------------------------------------------------------------------------


def test_login_is_refused_until_activation_and_a_new_link_is_sent(client, signup, cde11, curl):
    signup(cde11)
    person = User.objects.get()
    response = login(client, cde11, curl, person.username, STRONG_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "account_email_verification_sent")
    assert NOT_ACTIVATED in text(client.get(response["Location"]))
    assert not is_logged_in(client, cde11, curl)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["allison@example.fr"]
    assert "/cde11/compte/confirm-email/" in mail.outbox[1].body


def test_activation_resends_stop_after_three_with_a_clear_message(client, signup, cde11, curl):
    signup(cde11)  # the first e-mail
    person = User.objects.get()
    login(client, cde11, curl, person.username, STRONG_PASSWORD)
    login(client, cde11, curl, "allison@example.fr", STRONG_PASSWORD)
    assert len(mail.outbox) == 3
    response = login(client, cde11, curl, person.username, STRONG_PASSWORD)
    assert len(mail.outbox) == 3
    content = text(client.get(response["Location"]))
    assert "Plusieurs liens d'activation vous ont déjà été envoyés : utilisez le plus récent." in content
    assert not is_logged_in(client, cde11, curl)


def test_activation_link_activates_once_and_names_the_identifier(
    client, signup, activation_path, cde11, curl
):
    signup(cde11)
    person = User.objects.get()
    confirm = activation_path()
    form_page = client.get(confirm)
    assert form_page.status_code == 200
    assert "Activer mon espace" in text(form_page)
    assert not person.emailaddress_set.get().verified  # a GET alone (a mail scanner) activates nothing
    response = client.post(confirm)
    assert response["Location"] == curl(cde11, "account_activated")
    activated = text(client.get(response["Location"]))
    assert f"Votre espace a bien été activé pour le nom d'utilisateur : {person.username}" in activated
    assert person.emailaddress_set.get().verified
    again = client.get(confirm)
    assert "Ce lien d'activation a expiré ou a déjà été utilisé." in text(again)
    assert "Activer mon espace</button>" not in page(again)


def test_activation_link_expires(client, signup, activation_path, cde11, curl):
    signup(cde11)
    person = User.objects.get()
    days = settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS
    EmailConfirmation.objects.update(sent=timezone.now() - datetime.timedelta(days=days, minutes=1))
    confirm = activation_path()
    assert "Ce lien d'activation a expiré ou a déjà été utilisé." in text(client.get(confirm))
    client.post(confirm)
    assert not person.emailaddress_set.get().verified
    assert login(client, cde11, curl, person.username, STRONG_PASSWORD)["Location"] == curl(
        cde11, "account_email_verification_sent"
    )


def test_activated_page_without_an_activation_goes_to_the_login(client, cde11, curl):
    assert client.get(curl(cde11, "account_activated"))["Location"] == curl(cde11, "account_login")


# Login and logout -----------------------------------------------------------------------------


def test_after_activation_login_by_identifier_then_by_email_and_logout(
    client, signup, activation_path, cde11, curl
):
    signup(cde11)
    person = User.objects.get()
    activate(client, activation_path())
    response = login(client, cde11, curl, person.username, STRONG_PASSWORD)
    assert response["Location"] == curl(cde11, "portal:dashboard")
    assert client.get(response["Location"]).status_code == 200
    # « Mon espace » puts first what is to do; the identity is in « Profil ».
    profile = text(client.get(curl(cde11, "portal:household_profile")))
    assert person.username in profile
    assert "Madame Allison LOVINFOSSE" in profile
    response = client.post(curl(cde11, "account_logout"))
    assert response["Location"] == curl(cde11, "public:welcome")
    assert not is_logged_in(client, cde11, curl)
    assert login(client, cde11, curl, "Allison@Example.fr", STRONG_PASSWORD)["Location"] == curl(
        cde11, "portal:dashboard"
    )
    client.post(curl(cde11, "account_logout"))
    assert login(client, cde11, curl, person.username.lower(), STRONG_PASSWORD).status_code == 302
    assert is_logged_in(client, cde11, curl)


def test_a_wrong_password_is_refused_in_french_and_the_identifier_kept(client, cde11, curl, parent_a):
    response = login(client, cde11, curl, parent_a.username, "Mauvais2026")
    assert response.status_code == 200
    content = page(response)
    assert "L'identifiant (ou le courriel) ou le mot de passe est incorrect." in content
    assert f'value="{parent_a.username}"' in content
    assert "Mauvais2026" not in content
    assert not is_logged_in(client, cde11, curl)


def test_welcome_page_login_form_logs_in(client, cde11, curl, parent_a):
    response = client.post("/cde11/compte/login/", {"login": parent_a.email, "password": PASSWORD})
    assert response["Location"] == curl(cde11, "portal:dashboard")


def test_after_five_failed_logins_the_next_is_refused_even_with_the_right_password(
    client, cde11, curl, parent_a
):
    for _ in range(5):
        assert TOO_MANY_LOGINS not in text(login(client, cde11, curl, parent_a.username, "Mauvais2026"))
    response = login(client, cde11, curl, parent_a.username, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY_LOGINS in text(response)
    assert not is_logged_in(client, cde11, curl)


def test_failed_logins_of_one_identifier_do_not_block_another(client, cde11, curl, parent_a, parent_b):
    for _ in range(6):
        login(client, cde11, curl, parent_a.username, "Mauvais2026")
    assert login(client, cde11, curl, parent_b.username, PASSWORD)["Location"] == curl(
        cde11, "portal:dashboard"
    )


def test_a_deactivated_space_cannot_log_in(client, cde11, curl):
    person = UserFactory(is_active=False)
    response = login(client, cde11, curl, person.username, PASSWORD)
    assert response["Location"] == curl(cde11, "account_inactive")
    assert "Cet espace a été désactivé. Contactez la Caisse des écoles : dossier@cdeparis11.fr." in text(
        client.get(response["Location"])
    )
    assert not is_logged_in(client, cde11, curl)


# Password reset ------------------------------------------------------------------------------


def request_reset(client, caisse, curl, email):
    return client.post(curl(caisse, "account_reset_password"), {"email": email})


def reset_path() -> str:
    return path_of(link_in(mail.outbox[-1], "/compte/password/reset/key/"))


def choose_password(client, key_path, password):
    """Follows the link of the e-mail (allauth moves the key into the session) and posts the form."""
    response = client.get(key_path)
    form_path = response["Location"] if response.status_code == 302 else key_path
    return client.get(form_path), client.post(form_path, {"password1": password, "password2": password})


def test_password_reset_link_sets_a_new_password_once(client, cde11, curl, parent_a):
    response = request_reset(client, cde11, curl, parent_a.email)
    assert response["Location"] == curl(cde11, "account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Caisse des écoles Paris 11e] Choisir un nouveau mot de passe"
    assert f"Votre identifiant : {parent_a.username}" in message.body
    key_path = reset_path()
    form_page, response = choose_password(client, key_path, "Nouveau2027")
    assert 'data-password-checklist="password-rules"' in page(form_page)
    assert response["Location"] == curl(cde11, "account_reset_password_from_key_done")
    parent_a.refresh_from_db()
    assert parent_a.check_password("Nouveau2027")
    assert login(client, cde11, curl, parent_a.username, "Nouveau2027")["Location"] == curl(
        cde11, "portal:dashboard"
    )
    client.post(curl(cde11, "account_logout"))
    form_page, response = choose_password(client, key_path, "Encore2028")
    assert "Ce lien a expiré ou a déjà été utilisé." in text(form_page)
    parent_a.refresh_from_db()
    assert parent_a.check_password("Nouveau2027")


def test_password_reset_of_a_space_never_activated_activates_it(client, signup, cde11, curl):
    signup(cde11)
    person = User.objects.get()
    request_reset(client, cde11, curl, "allison@example.fr")
    choose_password(client, reset_path(), "Nouveau2027")
    assert person.emailaddress_set.get().verified
    assert login(client, cde11, curl, person.username, "Nouveau2027")["Location"] == curl(
        cde11, "portal:dashboard"
    )


def test_password_reset_enforces_the_password_rules(client, cde11, curl, parent_a):
    request_reset(client, cde11, curl, parent_a.email)
    _, response = choose_password(client, reset_path(), "nouveau")
    assert response.status_code == 200
    content = text(response)
    assert "Le mot de passe doit contenir au moins une majuscule, un chiffre." in content
    parent_a.refresh_from_db()
    assert parent_a.check_password(PASSWORD)


def test_password_reset_link_expires(client, cde11, curl, parent_a):
    generator = default_token_generator
    issued = generator._num_seconds(
        generator._now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    )
    key = generator._make_token_with_timestamp(parent_a, issued, generator.secret)
    key_path = curl(cde11, "account_reset_password_from_key", uidb36=user_pk_to_url_str(parent_a), key=key)
    form_page, _ = choose_password(client, key_path, "Nouveau2027")
    assert "Ce lien a expiré ou a déjà été utilisé." in text(form_page)
    parent_a.refresh_from_db()
    assert parent_a.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, cde11, curl):
    response = request_reset(client, cde11, curl, "inconnu@example.fr")
    assert response["Location"] == curl(cde11, "account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "Caisse des écoles Paris 11e" in mail.outbox[0].body


def test_password_resets_stop_after_five_with_a_clear_message(client, cde11, curl, parent_a):
    for _ in range(5):
        assert request_reset(client, cde11, curl, parent_a.email).status_code == 302
    response = request_reset(client, cde11, curl, parent_a.email)
    assert response.status_code == 200
    assert "Trop de demandes de nouveau mot de passe pour ce courriel." in text(response)
    assert 'value="allison@example.fr"' in page(response)
    assert len(mail.outbox) == 5


def test_empty_login_fields_are_reported_next_to_each_field(client, cde11, curl):
    response = login(client, cde11, curl, "", "")
    content = page(response)
    for name in ["login", "password"]:
        group = re.search(
            rf'<div class="fr-input-group[^"]*" id="id_{name}-group">(.*?)</div>', content, re.S
        )
        assert "Ce champ est obligatoire." in group.group(0)


def test_a_malformed_address_on_the_reset_page_is_reported_next_to_the_field(client, cde11, curl):
    response = request_reset(client, cde11, curl, "pas-un-courriel")
    assert response.status_code == 200
    group = re.search(
        r'<div class="fr-input-group[^"]*" id="id_email-group">(.*?)</div>', page(response), re.S
    )
    assert "Saisissez une adresse de courriel valide." in group.group(0)
    assert 'value="pas-un-courriel"' in group.group(0)
    assert len(mail.outbox) == 0
