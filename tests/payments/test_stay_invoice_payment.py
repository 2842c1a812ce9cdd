"""A holiday-stay invoice is paid online like any invoice (eopayment's PayFIP client, fake PayFIP)."""

from decimal import Decimal

import pytest
from django.test import Client

from refectoire.payments.models import Payment
from refectoire.stays.enums import ChoiceState
from refectoire.stays.invoicing import stay_invoice_issue
from tests.billing.factories import PayfipSettingsFactory
from tests.billing.stays import confirmed_place, priced_caisse

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(cde11, parent_a):
    priced_caisse(cde11)
    choice = confirmed_place(cde11, user=parent_a)
    return choice, stay_invoice_issue(choice=choice)


def test_a_stay_invoice_is_paid_online_with_payfip(client, curl, cde11, parent_a, invoiced, fake_payfip):
    choice, invoice = invoiced
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url)
    client.force_login(parent_a)
    response = client.post(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid))
    assert response.status_code == 302
    sent = fake_payfip.last
    assert (sent["montant"], sent["refdet"], sent["mel"]) == ("30000", str(invoice.number), parent_a.email)
    fake_payfip.pay(sent["idOp"])
    assert Client().post(curl(cde11, "portal:payfip_notification"), {"idOp": sent["idOp"]}).status_code == 200
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00") and invoice.payable_state_label() == "payée"
    assert Payment.objects.get().amount == Decimal("300.00")
    html = client.get(
        curl(cde11, "portal:stay_application", application_uuid=choice.application.uuid)
    ).content.decode()
    assert "Facture réglée" in html
    choice.refresh_from_db()
    assert choice.state == ChoiceState.CONFIRMED
