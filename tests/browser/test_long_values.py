"""The longest values the rules allow fit a phone: no page wider than 360 px (issue 12, item 10).

The demo's family of Allison Lovinfosse is given the longest names (80 letters, one word), a message
of 5,000 characters with a 400-character pasted link, and a long subject; her pages and the agent's
pages that show them must wrap the words rather than widen the page.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.test_crawl import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = "Maximilienne" + "a" * 68  # 80 letters, the longest name allowed
LONG_WORD = "https://exemple.fr/" + "chemin" * 64  # a pasted link, one word of 400 characters
WIDER = "document.documentElement.scrollWidth > window.innerWidth + 1"


def lengthen_the_demo_family():
    from refectoire.accounts.models import User
    from refectoire.households.models import Household
    from refectoire.messaging.services import conversation_start

    parent = User.objects.get(username="G4V-RNG6P")
    household = Household.objects.get(guardians__user=parent)
    household.children.update(first_name=LONG_NAME)
    household.guardians.filter(user=parent).update(last_name=LONG_NAME, street_name=LONG_NAME)
    body = (LONG_WORD + " ") + ("Bonjour, " * 600)[: 5000 - len(LONG_WORD) - 1]
    return conversation_start(
        household=household, subject="S" * 200, body=body, author=parent, by_agent=False
    )


def test_the_longest_values_wrap_on_a_phone(browser, browser_context_args, live_server, curl):
    call_command("seed_demo", stdout=io.StringIO())
    conversation = lengthen_the_demo_family()
    caisse, household = conversation.caisse, conversation.household
    context = browser.new_context(**browser_context_args, viewport=PHONE_VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    wider = []
    try:
        log_in(page, live_server.url, "cde11", "G4V-RNG6P")
        for path in [
            curl(caisse, "portal:dashboard"),
            curl(caisse, "portal:family"),
            curl(caisse, "portal:conversation_detail", conversation_uuid=conversation.uuid),
        ]:
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            if page.evaluate(WIDER):
                wider.append(path)
        context.clear_cookies()
        page.goto(f"{live_server.url}/cde11/compte/login/")
        page.locator("#id_login").fill("A11-AGENT")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Connexion").click()
        expect(page.locator("h1")).to_be_visible()
        for path in [
            curl(caisse, "backoffice:household_detail", household_uuid=household.uuid),
            curl(caisse, "backoffice:conversation_detail", conversation_uuid=conversation.uuid),
        ]:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            if page.evaluate(WIDER):
                wider.append(path)
    finally:
        context.close()
    assert not wider, f"plus large que 360 px : {wider}"
