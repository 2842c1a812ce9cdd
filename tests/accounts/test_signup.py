"""Creating a personal space: the CGU step, the identity form, the generated identifier."""

import re

import pytest
from django.core import mail

from refectoire.accounts.identifiers import UNAMBIGUOUS_ALPHABET, random_identifier
from refectoire.accounts.models import CguAcceptance, User
from tests.accounts.conftest import STRONG_PASSWORD, page, signup_data

pytestmark = pytest.mark.django_db

IDENTIFIER = re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{5}$")
REQUIRED_FIELDS = [
    "civility",
    "last_name",
    "first_name",
    "birth_date",
    "street_name",
    "postcode",
    "city",
    "country",
    "email",
    "password1",
    "password2",
]


def field_group(content: str, name: str) -> str:
    """The DSFR group (label, input, error) of one field in a rendered page."""
    match = re.search(rf'<div class="fr-input-group[^"]*" id="id_{name}-group">(.*?)</div>', content, re.S)
    assert match, f"no group for {name}"
    return match.group(0)


def test_signup_without_the_cgu_step_is_sent_back_to_it(client, cde11, curl):
    response = client.get(curl(cde11, "account_signup"))
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "signup_cgu")
    response = client.post(curl(cde11, "account_signup"), signup_data())
    assert response["Location"] == curl(cde11, "signup_cgu")
    assert not User.objects.exists()


def test_cgu_step_shows_the_caisse_cgu_and_requires_acceptance(client, cde11, curl):
    cde11.cgu_text = "Article 1 — Les règles du 11e."
    cde11.save()
    assert "Article 1 — Les règles du 11e." in page(client.get(curl(cde11, "signup_cgu")))
    response = client.post(curl(cde11, "signup_cgu"), {})
    assert response.status_code == 200
    assert "Vous devez accepter les conditions générales d'utilisation pour continuer." in page(response)
    response = client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    assert response["Location"] == curl(cde11, "account_signup")
    assert client.get(curl(cde11, "account_signup")).status_code == 200


def test_cgu_accepted_in_one_caisse_does_not_open_the_signup_of_another(client, cde11, cde19, curl):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    assert client.get(curl(cde19, "account_signup"))["Location"] == curl(cde19, "signup_cgu")


def test_signup_creates_an_inactive_space_with_a_generated_identifier(signup, cde11, curl):
    response = signup(cde11)
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "account_email_verification_sent")
    person = User.objects.get(email="allison@example.fr")
    assert IDENTIFIER.match(person.username)
    assert set(person.username.replace("-", "")) <= set(UNAMBIGUOUS_ALPHABET)
    assert (person.first_name, person.last_name, person.civility) == ("Allison", "Lovinfosse", "mme")
    assert str(person.birth_date) == "1985-05-17"
    assert (person.street_name, person.building, person.apartment) == ("rue de la Roquette", "B", "24")
    assert (person.postcode, person.city, person.mobile_phone) == ("75011", "Paris", "06 12 34 56 78")
    assert person.signup_caisse == cde11
    assert person.check_password(STRONG_PASSWORD)
    assert not person.emailaddress_set.get().verified
    assert CguAcceptance.objects.get(user=person).caisse == cde11


def test_activation_email_gives_the_identifier_and_a_link_in_the_caisse(signup, cde11):
    signup(cde11)
    person = User.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["allison@example.fr"]
    assert message.subject == "[Caisse des écoles Paris 11e] Activez votre espace personnel"
    assert f"Votre identifiant : {person.username}" in message.body
    assert re.search(r"http://testserver/cde11/compte/confirm-email/[-:\w]+/", message.body)
    assert "Ce lien ne sert qu'une fois et expire dans 3 jours." in message.body


def test_identifiers_use_the_unambiguous_alphabet_only():
    assert not set("01IOL") & set(UNAMBIGUOUS_ALPHABET)
    for _ in range(200):
        identifier = random_identifier()
        assert IDENTIFIER.match(identifier)
        assert set(identifier.replace("-", "")) <= set(UNAMBIGUOUS_ALPHABET)


def test_identifiers_are_unique_among_many_signups(client, cde11, curl):
    for number in range(15):
        client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
        client.post(curl(cde11, "account_signup"), signup_data(email=f"parent{number}@example.fr"))
        client.logout()
    usernames = list(User.objects.values_list("username", flat=True))
    assert len(usernames) == 15
    assert len(set(usernames)) == 15


@pytest.mark.parametrize("name", REQUIRED_FIELDS)
def test_each_required_field_left_empty_is_reported_next_to_it_and_typed_values_kept(
    client, cde11, curl, name
):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    response = client.post(curl(cde11, "account_signup"), signup_data(**{name: ""}))
    assert response.status_code == 200
    content = page(response)
    group = field_group(content, name)
    assert "fr-input-group--error" in group
    assert "Ce champ est obligatoire." in group
    assert "Le formulaire contient des erreurs" in content
    if name != "street_name":
        assert 'value="rue de la Roquette"' in content
    if name != "first_name":
        assert 'value="Allison"' in content
    assert STRONG_PASSWORD not in content
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "name", "message"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date", "La date de naissance ne peut pas être dans le futur."),
        ({"birth_date": "17 mai"}, "birth_date", "Saisissez une date valide."),
        ({"postcode": "7501"}, "postcode", "Le code postal doit comporter 5 chiffres."),
        ({"mobile_phone": "12"}, "mobile_phone", "Saisissez un numéro de téléphone valide"),
        ({"email": "pas-un-courriel"}, "email", "Saisissez une adresse de courriel valide."),
        ({"password2": "Tartine2027"}, "password2", "Vous devez saisir deux fois le même mot de passe."),
    ],
)
def test_bad_values_are_explained_in_french_next_to_the_field(client, cde11, curl, overrides, name, message):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    response = client.post(curl(cde11, "account_signup"), signup_data(**overrides))
    assert response.status_code == 200
    assert message in field_group(page(response), name)
    assert not User.objects.exists()


def test_a_postcode_abroad_is_not_held_to_the_french_format(signup, cde11):
    signup(cde11, country="Belgique", postcode="1000", city="Bruxelles")
    assert User.objects.get().postcode == "1000"


def test_an_email_already_used_creates_nothing_and_warns_its_owner(signup, cde11, parent_a):
    # The page does not reveal that the address has a space (no enumeration); its owner is told.
    response = signup(cde11, email=parent_a.email)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [parent_a.email]
    assert "/cde11/compte/password/reset/" in mail.outbox[0].body
    assert "Caisse des écoles Paris 11e" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Tar2026", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
        ("tartine2026", "Le mot de passe doit contenir au moins une majuscule."),
        ("TARTINE2026", "Le mot de passe doit contenir au moins une minuscule."),
        ("TartineBeurre", "Le mot de passe doit contenir au moins un chiffre."),
        ("tartinebeurre", "Le mot de passe doit contenir au moins une majuscule, un chiffre."),
    ],
)
def test_password_rules_are_enforced_by_the_server(client, cde11, curl, password, message):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    response = client.post(curl(cde11, "account_signup"), signup_data(password1=password, password2=password))
    assert response.status_code == 200
    content = page(response)
    assert message in field_group(content, "password1")
    assert password not in content
    assert not User.objects.exists()


def test_signup_page_shows_the_live_password_checklist(client, cde11, curl):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    content = page(client.get(curl(cde11, "account_signup")))
    assert 'data-password-checklist="password-rules"' in content
    for rule in ["8 caractères", "une minuscule", "une majuscule", "un chiffre"]:
        assert rule in content


def test_an_authenticated_person_skips_the_signup(client, cde11, curl, parent_a):
    client.force_login(parent_a)
    assert client.get(curl(cde11, "signup_cgu"))["Location"] == curl(cde11, "portal:dashboard")


def test_the_live_checklist_and_the_server_apply_the_same_rules():
    from django.conf import settings

    from refectoire.accounts.validators import PASSWORD_RULES

    script = (settings.BASE_DIR / "refectoire" / "static" / "js" / "password-checklist.js").read_text()
    assert "v.length >= 8" in script
    for key, pattern, _label in PASSWORD_RULES[1:]:
        assert f"{key}: function (v) {{ return /{pattern}/.test(v); }}" in script
