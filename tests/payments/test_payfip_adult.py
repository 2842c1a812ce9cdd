"""An adult pays the invoice of their adult meals online: the payer is the adult, not a household."""

from decimal import Decimal

import pytest
from django.test import Client

from refectoire.payments.enums import OperationState
from refectoire.payments.models import PayfipOperation, Payment
from tests.billing.adults import issued_adult_invoice, teacher_and_registration
from tests.billing.factories import PayfipSettingsFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_invoice(cde11, agent_cde11):
    teacher, registration = teacher_and_registration(cde11, agent_cde11)
    return teacher, issued_adult_invoice(cde11, registration, number=40950)


def test_the_adult_pays_their_invoice_online_and_the_payment_is_theirs(
    client, curl, cde11, staff_invoice, fake_payfip
):
    teacher, staff_invoice = staff_invoice
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url)
    client.force_login(teacher)
    response = client.post(curl(cde11, "portal:invoice_pay", invoice_uuid=staff_invoice.uuid))
    assert response.status_code == 302
    sent = fake_payfip.last
    assert (sent["montant"], sent["refdet"], sent["mel"]) == ("4500", "40950", "claire.fontaine@example.fr")
    operation = PayfipOperation.objects.get()
    assert (
        operation.household_id is None
        and operation.adult_registration_id == staff_invoice.adult_registration_id
    )
    fake_payfip.pay(sent["idOp"])
    assert Client().post(curl(cde11, "portal:payfip_notification"), {"idOp": sent["idOp"]}).status_code == 200
    payment = Payment.objects.get()
    assert (payment.household_id, payment.adult_registration_id, payment.amount) == (
        None,
        staff_invoice.adult_registration_id,
        Decimal("45.00"),
    )
    staff_invoice.refresh_from_db()
    assert staff_invoice.amount_due == 0
    assert PayfipOperation.objects.get().state == OperationState.PAID
    page = client.get(curl(cde11, "portal:payment_return") + f"?idop={sent['idOp']}")
    assert page.status_code == 200
    assert "Votre paiement de 45,00\xa0€ est enregistré" in page.content.decode()
    client.force_login(UserFactory())
    assert client.get(curl(cde11, "portal:payment_return") + f"?idop={sent['idOp']}").status_code == 404
