"""Every billing URL: another family, another Caisse or a stranger gets 404."""

from decimal import Decimal

import pytest

from refectoire.payments.models import PayfipOperation, Payment
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory, household_of

PORTAL_INVOICE_URLS = ["portal:invoice_detail", "portal:invoice_pdf", "portal:invoice_pay"]
AGENT_INVOICE_URLS = [
    "backoffice:billing_invoice",
    "backoffice:billing_invoice_pdf",
    "backoffice:billing_payment_create",
    "backoffice:billing_credit_note",
]
AGENT_PERIOD_URLS = ["backoffice:billing_run", "backoffice:billing_run_progress"]
MANAGER_PERIOD_URLS = ["backoffice:billing_period_edit"]
AGENT_PLAIN_URLS = [
    "backoffice:billing_home",
    "backoffice:billing_invoices",
    "backoffice:billing_unpaid",
    "backoffice:billing_unpaid_csv",
]


@pytest.fixture
def invoice_a(cde11, parent_a):
    household = household_of(parent_a, cde11)
    return InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=40945, total=Decimal("42.00")
    )


@pytest.mark.parametrize("name", PORTAL_INVOICE_URLS)
def test_parent_sees_own_invoice_pages(client, curl, cde11, parent_a, invoice_a, name):
    client.force_login(parent_a)
    assert client.get(curl(cde11, name, invoice_uuid=invoice_a.uuid)).status_code == 200


@pytest.mark.parametrize("name", PORTAL_INVOICE_URLS)
def test_another_family_gets_404_on_invoice_pages(client, curl, cde11, parent_b, invoice_a, name):
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    assert client.get(curl(cde11, name, invoice_uuid=invoice_a.uuid)).status_code == 404


@pytest.mark.parametrize("name", PORTAL_INVOICE_URLS)
def test_another_caisse_gets_404_on_invoice_pages(client, curl, cde11, cde19, parent_a, invoice_a, name):
    client.force_login(parent_a)
    assert client.get(curl(cde19, name, invoice_uuid=invoice_a.uuid)).status_code == 404


def test_a_draft_invoice_is_invisible_to_the_parent(client, curl, cde11, parent_a):
    household = household_of(parent_a, cde11)
    draft = InvoiceFactory(caisse=cde11, household=household)
    client.force_login(parent_a)
    assert client.get(curl(cde11, "portal:invoice_detail", invoice_uuid=draft.uuid)).status_code == 404
    assert "brouillon" not in client.get(curl(cde11, "portal:invoice_list")).content.decode()


def test_the_invoice_list_shows_only_the_family_invoices(client, curl, cde11, parent_a, parent_b, invoice_a):
    other = InvoiceFactory(caisse=cde11, household=household_of(parent_b, cde11), issued=True, number=50000)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert "Restauration 40945 - Mars / Avril 2027" in page
    assert str(other.number) not in page


def test_another_family_cannot_see_a_payment_return(client, curl, cde11, parent_a, parent_b, invoice_a):
    operation = PayfipOperation.objects.create(
        caisse=cde11,
        household=invoice_a.household,
        idop="idop1",
        refdet="40945",
        amount=Decimal("42"),
        email="a@example.fr",
    )
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    assert client.get(curl(cde11, "portal:payment_return") + f"?idop={operation.idop}").status_code == 404
    assert client.get(curl(cde11, "portal:dummy_bank")).status_code == 404


def test_grouped_payment_of_another_family_invoice_is_404(client, curl, cde11, parent_b, invoice_a):
    household_of(parent_b, cde11)
    client.force_login(parent_b)
    response = client.post(curl(cde11, "portal:invoices_pay_several"), {"invoices": [invoice_a.uuid]})
    assert response.status_code == 404


@pytest.mark.parametrize("name", AGENT_INVOICE_URLS)
def test_agent_of_another_caisse_gets_404_on_invoice_pages(
    client, curl, cde11, cde19, agent_cde19, invoice_a, name
):
    client.force_login(agent_cde19)
    assert client.get(curl(cde11, name, invoice_uuid=invoice_a.uuid)).status_code == 404
    assert client.get(curl(cde19, name, invoice_uuid=invoice_a.uuid)).status_code == 404


@pytest.mark.parametrize("name", AGENT_INVOICE_URLS)
def test_agent_of_the_caisse_sees_invoice_pages(client, curl, cde11, agent_cde11, invoice_a, name):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, name, invoice_uuid=invoice_a.uuid)).status_code == 200


@pytest.mark.parametrize("name", AGENT_PERIOD_URLS + MANAGER_PERIOD_URLS)
def test_period_pages_of_another_caisse_are_404(client, curl, cde11, cde19, manager_cde19, name):
    from refectoire.billing.models import BillingRun

    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(caisse=cde11, period=period)
    client.force_login(manager_cde19)
    assert client.get(curl(cde11, name, period_uuid=period.uuid)).status_code == 404
    assert client.get(curl(cde19, name, period_uuid=period.uuid)).status_code == 404


@pytest.mark.parametrize("name", AGENT_PLAIN_URLS)
def test_billing_pages_are_404_for_a_parent_and_an_agent_of_another_caisse(
    client, curl, cde11, parent_a, agent_cde19, agent_cde11, name
):
    client.force_login(parent_a)
    assert client.get(curl(cde11, name)).status_code == 404
    client.force_login(agent_cde19)
    assert client.get(curl(cde11, name)).status_code == 404
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, name)).status_code == 200


def test_household_account_and_payment_cancel_of_another_caisse_are_404(
    client, curl, cde11, cde19, agent_cde19, invoice_a
):
    payment = Payment.objects.create(
        caisse=cde11,
        household=invoice_a.household,
        method="cheque",
        amount=Decimal("5"),
        paid_on="2027-04-03",
    )
    client.force_login(agent_cde19)
    for caisse in (cde11, cde19):
        assert (
            client.get(
                curl(caisse, "backoffice:billing_household", household_uuid=invoice_a.household.uuid)
            ).status_code
            == 404
        )
        assert (
            client.get(
                curl(caisse, "backoffice:billing_payment_cancel", payment_uuid=payment.uuid)
            ).status_code
            == 404
        )
        assert (
            client.post(
                curl(caisse, "backoffice:billing_refund", household_uuid=invoice_a.household.uuid)
            ).status_code
            == 404
        )


def test_manager_pages_are_forbidden_to_a_plain_agent(client, curl, cde11, agent_cde11):
    period = BillingPeriodFactory(caisse=cde11)
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:billing_payfip")).status_code == 403
    assert (
        client.post(curl(cde11, "backoffice:billing_run_start", period_uuid=period.uuid)).status_code == 403
    )
    assert (
        client.post(curl(cde11, "backoffice:billing_run_issue", period_uuid=period.uuid)).status_code == 403
    )


def test_the_dashboard_tile_counts_the_family_unpaid_invoices(client, cde11, parent_a, parent_b, invoice_a):
    from refectoire.households.enums import HouseholdState
    from refectoire.households.models import Household

    InvoiceFactory(caisse=cde11, household=household_of(parent_b, cde11), issued=True, number=50001)
    Household.objects.filter(pk=invoice_a.household_id).update(state=HouseholdState.VALIDATED)
    client.force_login(parent_a)
    page = client.get("/cde11/mon-espace/").content.decode()
    tile = page[page.index('data-feature="factures"') :]
    tile = tile[: tile.index("</div>")]
    assert 'href="/cde11/mon-espace/factures/"' in tile
    assert "1 facture non réglée" in tile
