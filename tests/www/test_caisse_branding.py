"""The Caisse's own face: its logo (checked like every upload), its name without one, its colour, its
favicon; and what another Caisse sees of it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from refectoire.caisses.urls import caisse_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }


def png(colour=(106, 27, 154), size=(240, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def profile_data(caisse, **changes):
    data = {
        "name": caisse.name,
        "logo_text": caisse.logo_text,
        "accent_colour": "#6a1b9a",
        "contact_email": caisse.contact_email,
        "contact_phone": "",
        "postal_address": "",
        "welcome_text": "",
    }
    return {**data, **changes}


def save_profile(client, caisse, **changes):
    return client.post(caisse_reverse(caisse, "backoffice:caisse_profile"), profile_data(caisse, **changes))


def test_without_a_logo_the_header_shows_the_caisse_name_and_no_state_block(client, cde11):
    content = client.get("/cde11/").content.decode()
    assert (
        'class="fr-header__service-title refectoire-brand-text refectoire-logo-text">Caisse<br>cde11'
        in content
    )
    assert "/cde11/logo/" not in content
    assert "fr-logo" not in content
    assert client.get("/cde11/logo/").status_code == 404


def test_manager_uploads_a_logo_shown_in_header_and_footer_and_served_as_png(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    response = save_profile(client, cde11, logo=SimpleUploadedFile("logo.png", png(), "image/png"))
    assert response.status_code == 302
    cde11.refresh_from_db()
    assert cde11.logo.name.endswith(".png")

    content = client.get("/cde11/").content.decode()
    assert content.count('src="/cde11/logo/?v=') == 2  # header and footer
    assert f'alt="{cde11.name}"' in content  # the footer's logo stands alone: it carries the name
    served = client.get("/cde11/logo/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served.content == png()


def test_a_file_that_is_not_an_image_is_refused_next_to_the_field_and_nothing_is_saved(
    client, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    fake = SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image/png")
    response = save_profile(client, cde11, name="Nom tapé", logo=fake)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Formats acceptés : JPEG, PNG." in content
    assert 'id="id_logo-group"' in content and "fr-input-group--error" in content
    assert 'value="Nom tapé"' in content
    cde11.refresh_from_db()
    assert cde11.name != "Nom tapé"
    assert not cde11.logo


def test_a_pdf_is_refused_as_a_logo(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    pdf = SimpleUploadedFile("logo.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = save_profile(client, cde11, logo=pdf)
    assert "Formats acceptés : JPEG, PNG." in response.content.decode()
    cde11.refresh_from_db()
    assert not cde11.logo


def test_a_logo_over_one_megabyte_is_refused(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    big = SimpleUploadedFile("logo.png", png() + b"\0" * (1024 * 1024), "image/png")
    response = save_profile(client, cde11, logo=big)
    assert "Ce fichier dépasse 1 Mo" in response.content.decode()


def test_manager_removes_the_logo_and_the_name_comes_back(client, cde11, manager_cde11):
    client.force_login(manager_cde11)
    save_profile(client, cde11, logo=SimpleUploadedFile("logo.png", png(), "image/png"))
    response = save_profile(client, cde11, remove_logo="on")
    assert response.status_code == 302
    cde11.refresh_from_db()
    assert not cde11.logo
    assert "refectoire-brand-text" in client.get("/cde11/").content.decode()


def test_a_colour_too_light_is_refused_with_the_contrast_message_next_to_the_field(
    client, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    response = save_profile(client, cde11, accent_colour="#ffd700", name="Nom tapé")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cette couleur n&#x27;est pas assez contrastée" in content
    assert 'id="id_accent_colour-desc-error"' in content
    assert 'value="Nom tapé"' in content
    # The page around the form still wears the saved colour and name, not what was refused.
    assert "--background-action-high-blue-france:#ffd700" not in content
    assert "--background-action-high-blue-france:#25527a;" in content
    assert "Accueil — Nom tapé" not in content
    cde11.refresh_from_db()
    assert cde11.accent_colour != "#ffd700"


def test_the_pages_wear_the_caisse_colour(client, cde11, cde19, manager_cde11):
    client.force_login(manager_cde11)
    save_profile(client, cde11, accent_colour="#00695c")
    content = client.get("/cde11/").content.decode()
    assert "--background-action-high-blue-france:#00695c;" in content
    assert '<meta name="theme-color" content="#00695c">' in content
    assert "#00695c" not in client.get("/cde19/").content.decode()


def test_the_favicon_is_drawn_in_the_caisse_colour_without_a_logo_and_from_the_logo_with_one(
    client, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    save_profile(client, cde11, accent_colour="#00695c")
    assert 'rel="icon" type="image/png" href="/cde11/favicon.png?v=' in client.get("/cde11/").content.decode()
    response = client.get("/cde11/favicon.png")
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.size == (180, 180)
        assert icon.convert("RGB").getpixel((2, 2)) == (0, 105, 92)

    save_profile(client, cde11, logo=SimpleUploadedFile("logo.png", png(colour=(200, 30, 30)), "image/png"))
    with Image.open(io.BytesIO(client.get("/cde11/favicon.png").content)) as icon:
        rgb = icon.convert("RGB")
        assert rgb.getpixel((90, 90)) == (200, 30, 30)  # the logo, fitted in the middle
        assert rgb.getpixel((2, 2)) == (255, 255, 255)  # on white, above and below a wide logo


def test_the_logo_of_one_caisse_is_never_served_under_another(client, cde11, cde19, manager_cde11):
    client.force_login(manager_cde11)
    save_profile(client, cde11, logo=SimpleUploadedFile("logo.png", png(), "image/png"))
    assert client.get("/cde19/logo/").status_code == 404
    assert "/cde19/logo/" not in client.get("/cde19/").content.decode()


def test_a_manager_of_another_caisse_cannot_change_this_one(client, cde11, manager_cde19):
    client.force_login(manager_cde19)
    response = save_profile(client, cde11, logo=SimpleUploadedFile("logo.png", png(), "image/png"))
    assert response.status_code == 404
    cde11.refresh_from_db()
    assert not cde11.logo
