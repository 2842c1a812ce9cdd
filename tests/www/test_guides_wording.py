"""Screens of the two parent guides, worded as a parent looks for them (docs/guides-coverage.md)."""

import html

import pytest

from tests.fakes.oidc import oidc_provider, use_providers  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_dashboard_leads_to_profil_identifiants_ma_famille_and_contact(client, curl, cde11, parent_a):
    """Guide of the 11e: « MON ESPACE : Profil, Identifiants, Ma Famille » and « CONTACTER LA CDE »."""
    client.force_login(parent_a)
    page = text(client.get(curl(cde11, "portal:dashboard")))
    for label, name in [
        ("Profil", "portal:household_profile"),
        ("Identifiants", "account_change_password"),
        ("Ma famille", "portal:family"),
        ("Contacter la Caisse des écoles Paris 11e", "portal:conversation_create"),
    ]:
        url = curl(cde11, name)
        assert f'href="{url}">{label}' in page, label
        assert client.get(url, follow=True).status_code == 200, label


def test_the_signup_form_says_why_each_contact_is_asked(client, curl, cde11):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    page = text(client.get(curl(cde11, "account_signup")))
    assert "Indispensable pour vos prochaines connexions et le suivi de vos démarches." in page
    assert "Pour faciliter vos échanges avec la Caisse des écoles." in page


def test_the_welcome_page_explains_how_to_log_in_with_the_provider_only_when_there_is_one(
    client,
    settings,
    cde19,
    oidc_provider,  # noqa: F811
):
    use_providers(settings)
    page = text(client.get("/cde19/"))
    assert "Comment se connecter ?" not in page
    assert "Utilisez votre compte" not in page
    use_providers(settings, oidc_provider.app_settings("monparis", "Mon Paris"))
    page = text(client.get("/cde19/"))
    assert "Utilisez votre compte Mon Paris pour vous connecter à votre espace perso." in page
    assert "<summary>Comment se connecter ?</summary>" in page
    assert "Vous pouvez aussi créer votre espace perso en vous connectant" in page


def test_the_welcome_text_of_the_caisse_turns_addresses_into_links(client, cde19):
    cde19.welcome_text = "Pour les autres services : https://services.example.fr/familles"
    cde19.save()
    page = client.get("/cde19/").content.decode()
    assert '<a href="https://services.example.fr/familles"' in page


def test_the_19e_guides_veuillez_cliquer_ici_is_a_link_with_its_own_words(client, cde19):
    """« …portail Facil'familles de la Ville de Paris, veuillez cliquer ici »: the manager writes
    « [veuillez cliquer ici](https://…) »; anything else typed stays text."""
    cde19.welcome_text = (
        "Rendez-vous sur le portail Facil'familles de la Ville de Paris, "
        "[veuillez cliquer ici](https://www.paris.fr/). <script>alert(1)</script>"
    )
    cde19.save()
    page = client.get("/cde19/").content.decode()
    assert '<a href="https://www.paris.fr/">veuillez cliquer ici</a>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_11e_guides_qr_code_opens_the_portal_from_a_phone(client, cde11):
    """« OU scannez ce QR Code »: an SVG drawn on the server, of the Caisse's own address."""
    page = text(client.get("/cde11/"))
    assert "OU scannez ce QR code :" in page
    svg = page[page.index('<div class="refectoire-qr">') :]
    assert svg.index("<svg") < svg.index("</svg>") and 'role="img"' in svg
    assert "QR code de l'adresse de votre espace famille : http" in svg and "/cde11/" in svg
