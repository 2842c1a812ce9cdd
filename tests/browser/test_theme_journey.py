"""A manager gives the Caisse its own face: a colour too light is refused with the reason, then a
darker one and the logo are saved, and every page wears them (checked with axe and at 360 px)."""

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path), "base_url": None}},
    }


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def logo_file(tmp_path):
    path = tmp_path / "logo-cde11.png"
    image = Image.new("RGB", (300, 100), "#ffffff")
    image.paste(Image.new("RGB", (80, 80), (0, 105, 92)), (10, 10))
    output = io.BytesIO()
    image.save(output, format="PNG")
    path.write_bytes(output.getvalue())
    return path


def test_a_manager_sets_the_caisse_colour_and_logo(
    page, live_server, check_page, cde11, manager_cde11, tmp_path
):
    login(page, live_server, manager_cde11)
    page.goto(f"{live_server.url}/cde11/agent/caisse/")
    expect(page.get_by_role("heading", name="Profil de la Caisse")).to_be_visible()
    expect(page.locator(".fr-header .refectoire-brand-text")).to_contain_text("cde11")
    check_page(page)

    page.locator("#id_accent_colour").fill("#ffd700")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_accent_colour-desc-error")).to_contain_text("n'est pas assez contrastée")
    check_page(page)

    page.locator("#id_accent_colour").fill("#00695c")
    page.locator("#id_logo").set_input_files(str(logo_file(tmp_path)))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le profil de la Caisse a été enregistré.")).to_be_visible()
    header_logo = page.locator(".fr-header__operator img")
    expect(header_logo).to_be_visible()
    assert page.evaluate("document.querySelector('.fr-header__operator img').naturalWidth") == 300
    save = page.get_by_role("button", name="Enregistrer")
    assert save.evaluate("button => getComputedStyle(button).backgroundColor") == "rgb(0, 105, 92)"
    check_page(page)

    page.goto(f"{live_server.url}/cde11/")
    expect(page.locator(".fr-footer__brand img[alt='Caisse des écoles Paris 11e']")).to_be_visible()
    check_page(page)
