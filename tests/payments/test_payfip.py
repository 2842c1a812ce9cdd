"""Online payment through eopayment's real PayFIP client against a fake PayFIP on 127.0.0.1."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from refectoire.billing.enums import InvoiceState
from refectoire.payments.enums import OperationState
from refectoire.payments.models import PayfipOperation, Payment, PaymentLog
from refectoire.payments.services import payfip_check_pending, payment_record
from tests.billing.factories import InvoiceFactory, PayfipSettingsFactory, another_period, household_of


@pytest.fixture
def setup(cde11, parent_a, fake_payfip):
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url)
    household = household_of(parent_a, cde11)
    invoice = InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=40945, total=Decimal("42.00")
    )
    return household, invoice


def start_payment(client, curl, cde11, parent_a, invoice):
    client.force_login(parent_a)
    return client.post(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid))


def notify(client, curl, cde11, idop):
    return client.post(curl(cde11, "portal:payfip_notification"), {"idOp": idop})


def test_paying_sends_amount_in_cents_invoice_number_and_email_to_payfip(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    response = start_payment(client, curl, cde11, parent_a, invoice)
    sent = fake_payfip.last
    assert response.status_code == 302
    assert response["Location"] == f"https://www.payfip.gouv.fr/tpa/paiementws.web?idop={sent['idOp']}"
    assert (sent["montant"], sent["refdet"], sent["mel"], sent["numcli"]) == (
        "4200",
        "40945",
        parent_a.email,
        "123456",
    )
    assert sent["urlnotif"].endswith("/cde11/mon-espace/paiement/notification/")
    assert PayfipOperation.objects.get().state == OperationState.PENDING


def test_a_paid_notification_is_verified_with_payfip_and_recorded(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.pay(idop)
    assert notify(Client(), curl, cde11, idop).status_code == 200
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.operation.idop) == (Decimal("42.00"), "payfip", idop)
    assert invoice.amount_due == 0
    assert invoice.payable_state_label() == "payée"
    response = client.get(curl(cde11, "portal:payment_return") + f"?idop={idop}")
    assert "Votre paiement de 42,00\xa0€ est enregistré" in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_refused_payment_records_nothing_and_the_invoice_can_be_paid_again(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.refuse(idop)
    response = client.get(curl(cde11, "portal:payment_return") + f"?idop={idop}")
    assert "Le paiement n'a pas abouti" in response.content.decode()
    assert PayfipOperation.objects.get().state == OperationState.REFUSED
    assert not Payment.objects.exists()
    assert start_payment(client, curl, cde11, parent_a, invoice).status_code == 302
    assert PayfipOperation.objects.count() == 2


def test_a_cancelled_payment_records_nothing(client, curl, cde11, parent_a, setup, fake_payfip):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.cancel(idop)
    notify(Client(), curl, cde11, idop)
    assert PayfipOperation.objects.get().state == OperationState.CANCELLED
    assert not Payment.objects.exists()


def test_a_payment_still_in_progress_blocks_a_second_payment(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    notify(Client(), curl, cde11, idop)  # PayFIP answers P5: still in progress
    assert PayfipOperation.objects.get().state == OperationState.PENDING
    page = client.get(curl(cde11, "portal:invoice_list")).content.decode()
    assert "paiement en cours" in page
    response = client.post(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid), follow=True)
    assert "Un paiement est en cours pour cette facture" in response.content.decode()
    assert len(fake_payfip.operations) == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_notifications_and_returns_record_one_payment(curl, fake_payfip):
    from tests.factories import CaisseFactory, UserFactory

    cde11 = CaisseFactory(slug="cde11")
    parent = UserFactory(email="allison@example.fr")
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url)
    household = household_of(parent, cde11)
    invoice = InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=40945, total=Decimal("42.00")
    )
    start_payment(Client(), curl, cde11, parent, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.pay(idop)
    overlap = connection.vendor == "postgresql"  # SQLite's shared in-memory test database can't wait on locks
    barrier = threading.Barrier(50 if overlap else 1)
    statuses, errors = [], []

    def hit(index):
        try:
            barrier.wait()
            client = Client()
            if index % 10 == 0:
                client.force_login(parent)
                statuses.append(
                    client.get(curl(cde11, "portal:payment_return") + f"?idop={idop}").status_code
                )
            else:
                statuses.append(notify(client, curl, cde11, idop).status_code)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
        if not overlap:
            thread.join()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [200] * 50
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("42.00")
    assert fake_payfip.detail_calls >= 1


def test_a_forged_idop_changes_nothing(client, curl, cde11, parent_a, setup, fake_payfip):
    assert notify(client, curl, cde11, "forged000001").status_code == 200
    assert not Payment.objects.exists()
    assert fake_payfip.detail_calls == 0


def test_a_notification_never_trusts_the_post_only_payfip(client, curl, cde11, parent_a, setup, fake_payfip):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    # The notifier claims it's paid; PayFIP says still in progress.
    client.post(
        curl(cde11, "portal:payfip_notification"), {"idOp": idop, "resultrans": "P", "montant": "4200"}
    )
    assert not Payment.objects.exists()


def test_an_amount_or_refdet_mismatch_is_refused_and_logged(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.pay(idop, montant="100")
    notify(Client(), curl, cde11, idop)
    operation = PayfipOperation.objects.get()
    assert operation.state == OperationState.REJECTED
    assert not Payment.objects.exists()
    assert "montant 100" in PaymentLog.objects.get(action="rejected").message


def test_the_periodic_check_settles_an_operation_without_notification(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    idop = fake_payfip.last["idOp"]
    fake_payfip.pay(idop)
    PayfipOperation.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    assert payfip_check_pending() == 1
    assert Payment.objects.get().operation.idop == idop


def test_a_partial_manual_payment_reduces_what_is_paid_online(
    client, curl, cde11, parent_a, agent_cde11, setup, fake_payfip
):
    household, invoice = setup
    payment_record(
        caisse=cde11,
        household=household,
        method="cheque",
        amount=Decimal("12.00"),
        paid_on=datetime.date(2026, 11, 3),
        reference="CHQ 1234567",
        actor=agent_cde11,
    )
    start_payment(client, curl, cde11, parent_a, invoice)
    assert fake_payfip.last["montant"] == "3000"


def test_before_the_opening_hour_the_page_says_when_payment_opens(client, curl, cde11, parent_a, setup):
    household, _invoice = setup
    invoice = InvoiceFactory(
        caisse=cde11,
        household=household,
        issued=True,
        number=40990,
        period=another_period(cde11),
        payment_opens_at=timezone.make_aware(datetime.datetime(2099, 4, 2, 14, 0)),
    )
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid)).content.decode()
    assert "Le paiement en ligne est disponible à partir du 02/04/2099 à 14h00" in page
    response = client.post(curl(cde11, "portal:invoice_pay", invoice_uuid=invoice.uuid))
    assert response.status_code == 302
    assert not PayfipOperation.objects.exists()


def test_several_invoices_in_one_payment_oldest_first(client, curl, cde11, parent_a, fake_payfip):
    PayfipSettingsFactory(caisse=cde11, wsdl_url=fake_payfip.wsdl_url, allow_grouped_payment=True)
    household = household_of(parent_a, cde11)
    older = InvoiceFactory(
        caisse=cde11,
        household=household,
        issued=True,
        number=100,
        total=Decimal("10.00"),
        period=another_period(cde11),
        issued_at=timezone.now() - datetime.timedelta(days=60),
    )
    newer = InvoiceFactory(caisse=cde11, household=household, issued=True, number=101, total=Decimal("20.00"))
    client.force_login(parent_a)
    response = client.post(curl(cde11, "portal:invoices_pay_several"), {"invoices": [newer.uuid, older.uuid]})
    assert response.status_code == 302
    sent = fake_payfip.last
    assert (sent["montant"], sent["refdet"]) == ("3000", "100G2")
    fake_payfip.pay(sent["idOp"])
    notify(Client(), curl, cde11, sent["idOp"])
    payment = Payment.objects.get()
    assert [(a.invoice.number, a.amount) for a in payment.allocations.order_by("pk")] == [
        (100, Decimal("10.00")),
        (101, Decimal("20.00")),
    ]
    older.refresh_from_db()
    assert older.state == InvoiceState.ISSUED and older.amount_due == 0


def test_grouped_payment_is_refused_when_the_caisse_does_not_allow_it(client, curl, cde11, parent_a, setup):
    household, invoice = setup
    other = InvoiceFactory(
        caisse=cde11, household=household, issued=True, number=40946, period=another_period(cde11)
    )
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:invoices_pay_several"), {"invoices": [invoice.uuid, other.uuid]}, follow=True
    )
    assert "qu&#x27;une facture à la fois" in response.content.decode()
    assert not PayfipOperation.objects.exists()


def test_an_operation_still_in_progress_after_two_hours_expires_and_frees_the_invoice(
    client, curl, cde11, parent_a, setup, fake_payfip
):
    _household, invoice = setup
    start_payment(client, curl, cde11, parent_a, invoice)
    PayfipOperation.objects.update(created_at=timezone.now() - datetime.timedelta(hours=3))
    assert payfip_check_pending() == 1
    assert PayfipOperation.objects.get().state == OperationState.EXPIRED
    assert not Payment.objects.exists()
    assert start_payment(client, curl, cde11, parent_a, invoice).status_code == 302
