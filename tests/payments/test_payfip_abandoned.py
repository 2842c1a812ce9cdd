"""An online payment left « en cours » (the parent left PayFIP's page): the parent is told until
when, may pay again after a short delay (PayFIP asked first), and agents see and close it.
Against the fake PayFIP on 127.0.0.1, which answers P5 until the test decides (issue 12, item 3)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from refectoire.payments.enums import OperationState
from refectoire.payments.models import PayfipOperation, Payment, PaymentLog
from refectoire.payments.services import RETRY_DELAY
from tests.billing.factories import InvoiceFactory, PayfipSettingsFactory, household_of


@pytest.fixture
def invoice(cde11, parent_a, fake_payfip):
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url)
    household = household_of(parent_a, cde11)
    return InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=40945, total=Decimal("42.00")
    )


def pay(client, curl, invoice, **kwargs):
    return client.post(curl(invoice.caisse, "portal:invoice_pay", invoice_uuid=invoice.uuid), **kwargs)


def left_minutes_ago(minutes):
    """The attempt began `minutes` ago (the parent left PayFIP's page then)."""
    PayfipOperation.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))
    return PayfipOperation.objects.get()


def test_the_pay_page_says_until_when_the_answer_is_awaited_and_when_to_pay_again(
    client, curl, invoice, parent_a, fake_payfip
):
    client.force_login(parent_a)
    pay(client, curl, invoice)
    operation = PayfipOperation.objects.get()
    page = client.get(curl(invoice.caisse, "portal:invoice_pay", invoice_uuid=invoice.uuid)).content.decode()
    until = timezone.localtime(operation.created_at + datetime.timedelta(minutes=120))
    retry = timezone.localtime(operation.created_at + RETRY_DELAY)
    assert f"au plus tard le {until:%d/%m/%Y} à {until:%H}h{until:%M}" in page
    assert f"vous pourrez payer à nouveau à partir du {retry:%d/%m/%Y} à {retry:%H}h{retry:%M}" in page
    assert "Payer la facture" not in page

    refused = pay(client, curl, invoice, follow=True).content.decode()
    assert f"à partir du {retry:%d/%m/%Y} à {retry:%H}h{retry:%M}" in refused
    assert len(fake_payfip.operations) == 1


def test_after_the_delay_payfip_is_asked_then_a_new_payment_starts(
    client, curl, invoice, parent_a, fake_payfip
):
    client.force_login(parent_a)
    pay(client, curl, invoice)
    first = left_minutes_ago(25)
    page = client.get(curl(invoice.caisse, "portal:invoice_pay", invoice_uuid=invoice.uuid)).content.decode()
    assert "n'a pas abouti" in page and "Payer la facture" in page

    response = pay(client, curl, invoice)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == OperationState.EXPIRED  # PayFIP still answered « en cours »: closed
    assert PayfipOperation.objects.pending().count() == 1 and len(fake_payfip.operations) == 2

    fake_payfip.pay(first.idop)  # whatever PayFIP says later of the closed attempt
    fake_payfip.pay(fake_payfip.last["idOp"])
    from refectoire.payments.services import payfip_operation_settle

    for operation in PayfipOperation.objects.all():
        payfip_operation_settle(idop=operation.idop, source="notification")
    assert Payment.objects.count() == 1  # never two payments for one invoice


def test_an_attempt_paid_in_the_end_is_recorded_and_no_second_payment_starts(
    client, curl, invoice, parent_a, fake_payfip
):
    client.force_login(parent_a)
    pay(client, curl, invoice)
    first = left_minutes_ago(25)
    fake_payfip.pay(first.idop)
    page = pay(client, curl, invoice, follow=True).content.decode()
    first.refresh_from_db()
    assert first.state == OperationState.PAID
    assert Payment.objects.get().amount == Decimal("42.00")
    assert len(fake_payfip.operations) == 1
    assert "Cette facture est réglée." in page


def test_an_agent_sees_and_closes_a_stale_attempt_and_not_a_recent_one(
    client, curl, invoice, parent_a, agent_cde11, fake_payfip
):
    client.force_login(parent_a)
    pay(client, curl, invoice)
    operation = PayfipOperation.objects.get()
    client.force_login(agent_cde11)
    listing = curl(invoice.caisse, "backoffice:billing_payfip_attempts")
    close = curl(invoice.caisse, "backoffice:billing_payfip_attempt_close", operation_uuid=operation.uuid)
    page = client.get(listing).content.decode()
    assert invoice.title in page and "42,00\xa0€" in page and "Trop récent pour être clos" in page
    page = client.post(close, follow=True).content.decode()
    assert "il peut être clos à partir du" in page
    assert PayfipOperation.objects.get().state == OperationState.PENDING

    left_minutes_ago(25)
    assert "Interroger PayFIP et clore" in client.get(listing).content.decode()
    client.post(close)
    operation.refresh_from_db()
    assert operation.state == OperationState.EXPIRED
    log = PaymentLog.objects.get(operation=operation, action="closed")
    assert log.actor == agent_cde11
    assert "Aucun paiement en ligne en cours." in client.get(listing).content.decode()


def test_another_caisse_cannot_close_an_attempt(
    client, curl, invoice, parent_a, agent_cde19, cde19, fake_payfip
):
    client.force_login(parent_a)
    pay(client, curl, invoice)
    operation = left_minutes_ago(25)
    client.force_login(agent_cde19)
    assert invoice.title not in client.get(curl(cde19, "backoffice:billing_payfip_attempts")).content.decode()
    response = client.post(
        curl(cde19, "backoffice:billing_payfip_attempt_close", operation_uuid=operation.uuid)
    )
    assert response.status_code == 404
    assert PayfipOperation.objects.get().state == OperationState.PENDING
