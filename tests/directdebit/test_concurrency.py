"""Nothing is paid twice: a card payment (PayFIP, paid end to end on eopayment's dummy backend) and
the reject of the invoice's debit, at the same time, in real PostgreSQL transactions on threads."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from refectoire.billing.models import Invoice
from refectoire.directdebit.enums import DebitState
from refectoire.directdebit.models import Debit
from refectoire.directdebit.services import batch_generate, debit_reject
from refectoire.payments.enums import PaymentState
from refectoire.payments.models import PayfipSettings, Payment
from refectoire.payments.payfip import dummy_bank_query, dummy_return_query
from refectoire.payments.services import payfip_operation_settle, payfip_operation_start
from tests.billing.factories import household_of
from tests.directdebit.helpers import issued_period, setup_sepa, sign

ROUNDS = 2  # the card first, then the reject first


def _pay_by_card(invoice_id, user, outcome):
    try:
        outcome["card"] = _card(invoice_id, user)
    finally:
        connections.close_all()


def _card(invoice_id, user):
    """Start and settle a card payment of the invoice: « started », or the refusal's message."""
    try:
        invoice = Invoice.objects.get(pk=invoice_id)
        operation, url = payfip_operation_start(
            caisse=invoice.caisse,
            household=invoice.household,
            invoices=[invoice],
            user=user,
            return_url="http://127.0.0.1/retour",
            notify_url="http://127.0.0.1/notification",
        )
        query = dummy_return_query(dummy_bank_query(url), paid=True)
        payfip_operation_settle(idop=operation.idop, source="return", query_string=query)
        return "started"
    except ValidationError as error:
        return " ".join(error.messages)


def _reject(debit_id, outcome):
    try:
        outcome["reject"] = debit_reject(debit=Debit.objects.get(pk=debit_id), reason_code="AM04")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_card_payment_and_a_reject_at_once_never_pay_the_invoice_twice(cde11, parent_a):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    PayfipSettings.objects.create(caisse=cde11, numcli="123456", backend="dummy")
    setup_sepa(cde11)
    household = household_of(parent_a, cde11)
    sign(household, parent_a)
    for round_number in range(ROUNDS):
        period, (invoice,) = issued_period(
            cde11, [household], month=1 + 2 * round_number, total=Decimal("42.00")
        )
        debit = batch_generate(caisse=cde11, period=period).debits.get()
        outcome = {}
        threads = [
            threading.Thread(target=_pay_by_card, args=(invoice.pk, parent_a, outcome)),
            threading.Thread(target=_reject, args=(debit.pk, outcome)),
        ]
        if round_number % 2:
            threads.reverse()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        invoice.refresh_from_db()
        debit.refresh_from_db()
        recorded = Payment.objects.filter(allocations__invoice=invoice, state=PaymentState.RECORDED)
        assert debit.state == DebitState.REJECTED
        assert invoice.amount_paid <= invoice.total
        # Never the debit and a card payment both recorded for the invoice.
        assert recorded.count() <= 1
        assert not recorded.filter(method="sepa").exists()
        # The card either waited for the reject and paid the re-opened invoice, or took the lock first
        # and found the invoice settled by its sent debit (the reject then re-opened it).
        assert outcome["card"] in {"started", f"La facture {invoice.number} n'est plus à payer."}, outcome
        if outcome["card"] != "started":
            assert invoice.amount_due == Decimal("42.00")


@pytest.mark.django_db
def test_the_card_before_the_reject_is_refused_and_after_it_pays(cde11, parent_a):
    """The two orderings the threads above may take, one after the other: while its debit is sent the
    invoice is settled and not paid online; once the debit is rejected the card pays it."""
    PayfipSettings.objects.create(caisse=cde11, numcli="123456", backend="dummy")
    setup_sepa(cde11)
    household = household_of(parent_a, cde11)
    sign(household, parent_a)
    period, (invoice,) = issued_period(cde11, [household], month=1, total=Decimal("42.00"))
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    assert _card(invoice.pk, parent_a) == f"La facture {invoice.number} n'est plus à payer."
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    assert debit_reject(debit=debit, reason_code="AM04") == "rejected"
    assert _card(invoice.pk, parent_a) == "started"
    invoice.refresh_from_db()
    recorded = Payment.objects.filter(allocations__invoice=invoice, state=PaymentState.RECORDED)
    assert invoice.amount_due == 0 and [payment.method for payment in recorded] == ["payfip"]
