"""Payments at the counter: never in the future, an overpayment or a duplicate only when confirmed,
recorded once however many times the form is sent, and told in French in the history."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from refectoire.billing.models import InvoiceEvent
from refectoire.payments.models import Payment, PaymentLog
from refectoire.payments.services import payment_cancel, payment_record, refund_record
from tests.billing.factories import InvoiceFactory

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def invoice(cde11):
    return InvoiceFactory(caisse=cde11, issued=True, total=Decimal("22.80"))


def record(invoice, **kwargs):
    arguments = {
        "caisse": invoice.caisse,
        "household": invoice.household,
        "method": "cheque",
        "amount": Decimal("22.80"),
        "paid_on": datetime.date(2026, 11, 28),
        "reference": "1234567",
        "invoices": [invoice],
        "today": TODAY,
    }
    return payment_record(**(arguments | kwargs))


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_a_payment_dated_in_the_future_is_refused_by_the_service(invoice):
    with pytest.raises(ValidationError) as error:
        record(invoice, paid_on=datetime.date(2027, 3, 1))
    assert "ne peut pas être dans le futur" in error.value.message_dict["paid_on"][0]
    assert not Payment.objects.exists()


def test_a_refund_dated_in_the_future_is_refused(invoice):
    record(invoice, amount=Decimal("30.00"), confirm_overpayment=True)
    with pytest.raises(ValidationError) as error:
        refund_record(
            caisse=invoice.caisse,
            household=invoice.household,
            amount=Decimal("7.20"),
            method="transfer",
            paid_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert "paid_on" in error.value.message_dict
    assert not Payment.objects.filter(is_refund=True).exists()


def test_more_than_what_is_due_asks_a_confirmation_that_explains_the_overpayment(invoice):
    with pytest.raises(ValidationError) as error:
        record(invoice, amount=Decimal("500.00"))
    assert codes(error.value) == {"overpayment"}
    assert error.value.message_dict["amount"] == [
        "Ce paiement de 500,00\xa0€ dépasse ce qui reste à payer (22,80\xa0€) : il créera un trop-perçu de "
        "477,20\xa0€ en faveur du payeur, à rembourser ou à déduire plus tard. Vérifiez le montant, ou "
        "confirmez ce trop-perçu."
    ]
    assert not Payment.objects.exists()

    payment = record(invoice, amount=Decimal("500.00"), confirm_overpayment=True)
    invoice.refresh_from_db()
    assert invoice.amount_due == 0 and payment.allocated == Decimal("22.80")
    log = PaymentLog.objects.get(payment=payment)
    assert (
        log.message
        == "Chèque 1234567 de 500,00\xa0€ reçu le 28/11/2026, dont 477,20\xa0€ de trop-perçu (confirmé)"
    )


def test_the_same_payer_mode_reference_and_amount_twice_is_refused_unless_confirmed(invoice):
    record(invoice, amount=Decimal("10.00"))
    with pytest.raises(ValidationError) as error:
        record(invoice, amount=Decimal("10.00"))
    assert codes(error.value) == {"duplicate"}
    assert ": chèque 1234567 de 10,00\xa0€, le 28/11/2026" in error.value.message_dict["reference"][0]
    assert Payment.objects.count() == 1

    record(invoice, amount=Decimal("10.00"), confirm_duplicate=True)
    assert Payment.objects.count() == 2


def test_a_cancelled_payment_is_no_duplicate(invoice):
    payment_cancel(payment=record(invoice, amount=Decimal("10.00")), reason="Erreur de saisie")
    record(invoice, amount=Decimal("10.00"))
    assert Payment.objects.recorded().count() == 1


def test_a_cancelled_payment_is_not_cancelled_again_and_its_log_says_the_move(invoice):
    payment = record(invoice, amount=Decimal("10.00"))
    payment_cancel(payment=payment, reason="Erreur de saisie")
    with pytest.raises(ValidationError, match="déjà annulé"):
        payment_cancel(payment=payment, reason="Encore")
    assert list(
        PaymentLog.objects.filter(payment=payment).values_list("action", "from_state", "to_state")
    ) == [
        ("recorded", "", ""),
        ("cancelled", "recorded", "cancelled"),
    ]


def test_one_form_token_records_one_payment(invoice):
    token = uuid.uuid4()
    record(invoice, amount=Decimal("10.00"), form_token=token)
    with pytest.raises(ValidationError) as error:
        record(invoice, amount=Decimal("10.00"), form_token=token, confirm_duplicate=True)
    assert error.value.code == "already_recorded"
    assert Payment.objects.count() == 1


def test_the_invoice_history_states_the_amount_recorded_in_french(invoice):
    record(invoice)
    assert (
        InvoiceEvent.objects.get(invoice=invoice, action="payment").message == "Chèque 1234567 de 22,80\xa0€"
    )


# The screen ------------------------------------------------------------------------------


def post(client, curl, invoice, **data):
    fields = {
        "method": "cheque",
        "amount": "500.00",
        "paid_on": "2026-11-28",
        "reference": "1234567",
        "form_token": str(uuid.uuid4()),
    }
    return client.post(
        curl(invoice.caisse, "backoffice:billing_payment_create", invoice_uuid=invoice.uuid), fields | data
    )


def test_the_screen_refuses_a_future_date_next_to_the_field_and_keeps_what_was_typed(
    client, curl, invoice, agent_cde11
):
    client.force_login(agent_cde11)
    future = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    response = post(client, curl, invoice, amount="22.80", paid_on=future)
    page = response.content.decode()
    assert response.status_code == 200 and "ne peut pas être dans le futur" in page
    assert 'value="1234567"' in page and 'value="22.80"' in page
    assert not Payment.objects.exists()


def test_the_screen_asks_to_confirm_an_overpayment_then_records_it_once(client, curl, invoice, agent_cde11):
    client.force_login(agent_cde11)
    token = str(uuid.uuid4())
    asked = post(client, curl, invoice, form_token=token)
    page = asked.content.decode()
    assert asked.status_code == 200 and "trop-perçu de 477,20\xa0€" in page
    assert 'type="checkbox" name="confirm_overpayment"' in page and f'value="{token}"' in page
    assert not Payment.objects.exists()

    done = post(client, curl, invoice, form_token=token, confirm_overpayment="on")
    assert done.status_code == 302
    again = post(client, curl, invoice, form_token=token, confirm_overpayment="on")  # « Retour », sent again
    assert again.status_code == 302
    assert Payment.objects.count() == 1
    detail = client.get(again.url).content.decode()
    assert "Ce paiement est déjà enregistré" in detail
    assert "Chèque 1234567 de 500,00\xa0€, dont 22,80\xa0€ pour cette facture" in detail


def test_another_caisse_agent_cannot_record_a_payment(client, curl, invoice, agent_cde19, cde19):
    client.force_login(agent_cde19)
    response = client.post(
        curl(cde19, "backoffice:billing_payment_create", invoice_uuid=invoice.uuid),
        {"method": "cash", "amount": "1.00", "paid_on": "2026-11-28", "form_token": str(uuid.uuid4())},
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()
