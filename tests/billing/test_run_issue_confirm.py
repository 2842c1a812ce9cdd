"""« Émettre les factures »: a confirmation page with the counts and totals before anything is issued;
households read by their holder's name and reference; drafts readable from the run."""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail

from refectoire.billing.enums import InvoiceState, RunState
from refectoire.billing.models import BillingRun, Invoice
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())))


@pytest.fixture
def drafts(cde11):
    """A computed run of two drafts: one household with an e-mail and a reference, one without either."""
    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(caisse=cde11, period=period, state=RunState.DRAFT)
    with_mail = HouseholdFactory(caisse=cde11, reference="F0042")
    GuardianFactory(household=with_mail, first_name="Allison", last_name="Lovinfosse")
    without = HouseholdFactory(caisse=cde11, reference="")
    GuardianFactory(household=without, first_name="Marc", last_name="Petit", email="")
    first = InvoiceFactory(caisse=cde11, period=period, household=with_mail, total=Decimal("22.80"))
    second = InvoiceFactory(caisse=cde11, period=period, household=without, total=Decimal("2012.50"))
    return period, first, second


def issue_url(curl, cde11, period):
    return curl(cde11, "backoffice:billing_run_issue", period_uuid=period.uuid)


def test_issuing_shows_the_counts_and_totals_and_issues_nothing_until_confirmed(
    client, curl, cde11, manager_cde11, drafts, django_capture_on_commit_callbacks
):
    period, first, second = drafts
    client.force_login(manager_cde11)
    run_page = text(client.get(curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)))
    assert "Émettre les factures…" in run_page
    page = text(client.get(issue_url(curl, cde11, period)))
    assert "2 factures (2 foyers)" in page
    assert re.search(r"Montant total 2\s035,30\s€", page)
    assert "1 facture sans adresse électronique" in page
    assert "Émettre les 2 factures et envoyer les courriels" in page
    # A POST without the confirmation (the old one-click form) shows the same page and issues nothing.
    response = client.post(issue_url(curl, cde11, period))
    assert response.status_code == 200 and "Émettre les 2 factures" in text(response)
    assert not Invoice.objects.filter(state=InvoiceState.ISSUED).exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(issue_url(curl, cde11, period), {"confirm": "yes"})
    assert response["Location"] == curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)
    assert set(Invoice.objects.values_list("state", flat=True)) == {InvoiceState.ISSUED}
    # Once issued, the confirmation page is no longer offered.
    assert client.get(issue_url(curl, cde11, period))["Location"].endswith(
        curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)
    )


def test_a_plain_agent_and_other_caisses_cannot_reach_the_confirmation(
    client, curl, cde11, agent_cde11, manager_cde19, drafts
):
    period, *_ = drafts
    client.force_login(agent_cde11)
    assert client.get(issue_url(curl, cde11, period)).status_code == 403
    client.force_login(manager_cde19)
    assert client.get(issue_url(curl, cde11, period)).status_code == 404
    assert client.get(issue_url(curl, cde11, period).replace("/cde11/", "/cde19/", 1)).status_code == 404


def test_households_read_by_holder_and_reference_never_an_id_or_a_dash(
    client, curl, cde11, manager_cde11, drafts
):
    period, first, second = drafts
    client.force_login(manager_cde11)
    run_page = text(client.get(curl(cde11, "backoffice:billing_run", period_uuid=period.uuid)))
    assert "Allison LOVINFOSSE (réf. F0042)" in run_page and "Marc PETIT" in run_page
    assert str(second.household.uuid) not in run_page
    client.post(issue_url(curl, cde11, period), {"confirm": "yes"})
    search = text(client.get(curl(cde11, "backoffice:billing_invoices")))
    assert "Allison LOVINFOSSE (réf. F0042)" in search and "Marc PETIT" in search
    assert " — " not in search.split("Factures", 1)[-1].split("Montant", 1)[-1]


def test_a_draft_opens_a_draft_invoice_page_and_shows_on_the_household_account(
    client, curl, cde11, manager_cde11, drafts
):
    period, first, _second = drafts
    client.force_login(manager_cde11)
    page = text(client.get(curl(cde11, "backoffice:billing_invoice", invoice_uuid=first.uuid)))
    assert "Brouillon, pas encore émis" in page and "22,80" in page.replace("22.80", "22,80")
    assert "Enregistrer un paiement" not in page
    account = text(
        client.get(curl(cde11, "backoffice:billing_household", household_uuid=first.household.uuid))
    )
    assert "Brouillons de facture (pas encore émis)" in account and first.title in account
