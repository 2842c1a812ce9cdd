"""The language of the pages: chosen in the header, kept in a cookie before login and on the account after.

French stays the default, whatever the browser's Accept-Language; Arabic pages are laid out right to left.
"""

import html

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from refectoire.households import emails as household_emails
from refectoire.households.enums import HouseholdState
from tests.factories import PASSWORD, UserFactory
from tests.households.factories import household_for

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def page(response) -> str:
    return html.unescape(response.content.decode())


def choose(client, caisse, curl, language, next_url="/"):
    return client.post(
        curl(caisse, "set_language"), {"language": language, "next": caisse_path(caisse, next_url)}
    )


def caisse_path(caisse, path):
    return f"/{caisse.slug}{path}"


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [
        ("fr", "ltr", "Créer mon espace personnel"),
        ("en", "ltr", "Create my personal space"),
        ("ar", "rtl", "إنشاء فضائي الشخصي"),
    ],
)
def test_the_page_has_the_language_and_direction_chosen(client, cde11, curl, language, direction, words):
    client.cookies[COOKIE] = language
    response = client.get(curl(cde11, "public:welcome"))
    assert f'<html lang="{language}" dir="{direction}"' in response.content.decode()
    assert words in page(response)
    assert response["Content-Language"] == language


def test_french_is_the_default_whatever_the_browser_asks(client, cde11, curl):
    response = client.get(curl(cde11, "public:welcome"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,ar;q=0.8")
    assert '<html lang="fr" dir="ltr"' in response.content.decode()


def test_an_unknown_language_in_the_cookie_shows_french(client, cde11, curl):
    client.cookies[COOKIE] = "de"
    assert '<html lang="fr"' in client.get(curl(cde11, "public:welcome")).content.decode()


def test_the_header_offers_each_language_in_its_own_name(client, cde11, curl):
    text = page(client.get(curl(cde11, "public:welcome")))
    assert 'action="/cde11/langue/"' in text
    for code, name in (("fr", "Français"), ("en", "English"), ("ar", "العربيّة")):
        assert f'value="{code}" class="fr-translate__language fr-nav__link" lang="{code}"' in text
        assert name in text


def test_before_login_the_choice_is_kept_in_a_cookie(client, cde11, curl):
    response = choose(client, cde11, curl, "ar", "/actualites/")
    assert response.status_code == 302 and response["Location"] == "/cde11/actualites/"
    assert response.cookies[COOKIE].value == "ar"
    assert '<html lang="ar" dir="rtl"' in client.get(curl(cde11, "public:news_list")).content.decode()


def test_the_choice_only_goes_back_to_a_page_of_this_site(client, cde11, curl):
    response = client.post(curl(cde11, "set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_language_not_offered_is_ignored(client, cde11, curl, parent_a):
    client.force_login(parent_a)
    response = choose(client, cde11, curl, "de")
    assert COOKIE not in response.cookies
    parent_a.refresh_from_db()
    assert parent_a.language == ""


def test_a_logged_in_parent_keeps_the_choice_on_the_account(client, cde11, curl, parent_a):
    client.force_login(parent_a)
    choose(client, cde11, curl, "en")
    parent_a.refresh_from_db()
    assert parent_a.language == "en"
    # Another browser, no cookie: the account's language.
    client.cookies.clear()
    client.force_login(parent_a)
    assert "My space" in page(client.get(curl(cde11, "portal:dashboard")))


def test_the_accounts_language_wins_over_the_cookie(client, cde11, curl):
    parent = UserFactory(language="ar")
    client.cookies[COOKIE] = "en"
    client.force_login(parent)
    assert '<html lang="ar" dir="rtl"' in client.get(curl(cde11, "portal:dashboard")).content.decode()


def test_the_language_chosen_before_login_becomes_the_accounts(client, cde11, curl):
    parent = UserFactory(email="yasmina@example.fr")
    choose(client, cde11, curl, "ar")
    response = client.post(curl(cde11, "account_login"), {"login": parent.username, "password": PASSWORD})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.language == "ar"


def test_login_keeps_a_language_the_account_already_has(client, cde11, curl):
    parent = UserFactory(language="en")
    choose(client, cde11, curl, "ar")
    client.post(curl(cde11, "account_login"), {"login": parent.username, "password": PASSWORD})
    parent.refresh_from_db()
    assert parent.language == "en"


def test_the_site_wide_page_has_the_selector_too(client, cde11):
    client.cookies[COOKIE] = "en"
    response = client.get(reverse("caisse_list"))
    assert '<html lang="en" dir="ltr"' in response.content.decode()
    assert client.post("/langue/", {"language": "ar", "next": "/"}).cookies[COOKIE].value == "ar"


# E-mails -----------------------------------------------------------------------------------------


def test_an_agents_decision_reaches_an_english_family_in_english(cde11, agent_cde11):
    parent = UserFactory(email="sam@example.fr", first_name="Sam", language="en")
    household = household_for(parent, cde11, state=HouseholdState.SUBMITTED, co_guardian=False)
    household_emails.household_validated_email(household)
    message = mail.outbox[-1]
    assert message.to == ["sam@example.fr"]
    assert "Your household has been approved" in message.subject
    assert "The Caisse des écoles has approved your household." in message.body
    assert "Bonjour" not in message.body


def test_a_family_without_a_choice_gets_french_even_from_an_english_speaking_agent(cde11, agent_cde11):
    from django.utils import translation

    parent = UserFactory(email="lea@example.fr")
    household = household_for(parent, cde11, state=HouseholdState.SUBMITTED, co_guardian=False)
    with translation.override("en"):
        household_emails.household_validated_email(household)
    assert "Votre foyer a été validé" in mail.outbox[-1].subject
