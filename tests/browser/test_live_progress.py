"""The billing run's progress is announced to a screen reader (issue 19): the live region present
from the page's load is rewritten as the worker computes, at each tenth and at the end."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from tests.billing.factories import BillingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_browser")]


def test_the_billing_run_progress_is_announced_in_a_live_region(
    page, live_server, check_page, cde11, manager_cde11
):
    period = BillingPeriodFactory(caisse=cde11)
    run = BillingRun.objects.create(
        caisse=cde11, period=period, state=RunState.COMPUTING, households_total=200, households_done=20
    )
    client = Client()
    client.force_login(manager_cde11)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/cde11/agent/facturation/periodes/{period.uuid}/facturation/")
    region = page.locator("[data-progress-announce]")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_attribute("role", "status")
    check_page(page)

    # The worker goes on: the bar follows, and the region speaks at the next tenth.
    BillingRun.objects.filter(pk=run.pk).update(households_done=100)
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "50")
    expect(region).to_have_text("Calcul des factures : 50 %")

    # The end: the region says so, and a link leads to the result (the page does not reload by itself).
    BillingRun.objects.filter(pk=run.pk).update(households_done=200, state=RunState.DRAFT)
    expect(region).to_have_text("Calcul terminé. Brouillon.")
    expect(page.get_by_role("link", name="Calcul terminé : afficher le résultat")).to_be_visible()
