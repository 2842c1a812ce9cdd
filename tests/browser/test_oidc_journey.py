"""Mon Paris and FranceConnect v2 in chromium, against the fake providers on 127.0.0.1.

A first provider login creates the parent's space; logging out of Réfectoire ends the provider's
session too, so on a shared computer the next click on the button shows the provider's login page
again; the next parent, whose e-mail is that of an existing space, is linked to it. Every page of
ours passes axe-core and the 360 px look.
"""

import pytest
from playwright.sync_api import expect

from tests.fakes import oidc

# The fakes' fixtures, for this module.
oidc_provider = oidc.oidc_provider
franceconnect_provider = oidc.franceconnect_provider

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_browser")]

BUTTONS = {"monparis": "Me connecter avec Mon Paris", "franceconnect": "S’identifier avec FranceConnect"}


def main(page):
    return page.locator("main")


@pytest.mark.parametrize("provider_id, slug", [("monparis", "cde11"), ("franceconnect", "cde19")])
def test_provider_login_logout_and_linking_on_a_shared_computer(
    page,
    live_server,
    check_page,
    settings,
    oidc_provider,
    franceconnect_provider,
    parent_a,
    request,
    provider_id,
    slug,
):
    request.getfixturevalue(slug)
    providers = {"monparis": oidc_provider, "franceconnect": franceconnect_provider}
    provider = providers[provider_id]
    name = "Mon Paris" if provider_id == "monparis" else "FranceConnect"
    oidc.use_providers(
        settings,
        oidc_provider.app_settings("monparis", "Mon Paris"),
        franceconnect_provider.app_settings("franceconnect", "FranceConnect"),
    )
    base = f"{live_server.url}/{slug}"
    post_logout = f"{base}/compte/oidc/{provider_id}/logout/callback/"
    provider.post_logout_redirect_uris = [post_logout]  # as registered with the provider

    # First login: the provider asks, the space is created from what it says.
    page.goto(f"{base}/")
    check_page(page)
    main(page).get_by_role("button", name=BUTTONS[provider_id]).click()
    expect(page.get_by_role("heading", name=f"Connexion à {name}")).to_be_visible()
    page.get_by_role("button", name=f"Me connecter chez {name}").click()
    expect(page.get_by_role("heading", name="Mon espace", exact=True)).to_be_visible()
    main(page).get_by_role("link", name="Profil", exact=True).click()  # the identity is on « Profil »
    expect(page.get_by_role("heading", name="Mon identité")).to_be_visible()
    expect(main(page).get_by_text("Camille MARTIN")).to_be_visible()
    expect(main(page).get_by_text("29/02/1984")).to_be_visible()
    check_page(page)

    # Logout: through the provider's end session endpoint, back to the Caisse's welcome page.
    page.locator(".fr-header__tools-links").get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_text(f"Vous êtes aussi déconnecté de {name}.")).to_be_visible()
    check_page(page)
    (logout,) = provider.logout_requests
    assert logout["post_logout_redirect_uri"] == post_logout
    assert logout["id_token_hint"] and len(logout["state"]) >= 32

    # The next parent on this computer: the provider asks again, and links to their existing space.
    provider.claims = {**provider.claims, "sub": "sub-allison", "email": parent_a.email}
    main(page).get_by_role("button", name=BUTTONS[provider_id]).click()
    expect(page.get_by_role("heading", name=f"Connexion à {name}")).to_be_visible()
    page.get_by_role("button", name=f"Me connecter chez {name}").click()
    expect(page.get_by_role("heading", name="Mon espace", exact=True)).to_be_visible()
    main(page).get_by_role("link", name="Profil", exact=True).click()
    expect(page.get_by_role("heading", name="Mon identité")).to_be_visible()
    expect(main(page).get_by_text("Allison LOVINFOSSE")).to_be_visible()
    expect(main(page).get_by_text("Camille MARTIN")).to_have_count(0)
    check_page(page)
    assert len(provider.login_pages) == 2
    assert parent_a.socialaccount_set.get().provider == provider_id


def test_a_provider_error_is_shown_in_french_on_the_login_page(
    page, live_server, check_page, settings, franceconnect_provider, cde11
):
    oidc.use_providers(settings, franceconnect_provider.app_settings("franceconnect", "FranceConnect"))
    franceconnect_provider.authorize_error = ("access_denied", "User cancelled")
    page.goto(f"{live_server.url}/cde11/")
    main(page).get_by_role("button", name=BUTTONS["franceconnect"]).click()
    expect(page.get_by_text("Vous avez annulé la connexion avec FranceConnect.")).to_be_visible()
    expect(page.get_by_role("heading", name="MON ESPACE PERSO")).to_be_visible()
    check_page(page)
