"""The e-mails of an issued period are built in bulk: the same queries for 2 invoices as for 6."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refectoire.billing.tasks import send_invoice_emails
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def issued_invoices(caisse, period, count, start):
    invoices = []
    for index in range(start, start + count):
        household = HouseholdFactory(caisse=caisse)
        GuardianFactory(household=household, email=f"parent{index}@example.fr")
        GuardianFactory(household=household, email=f"second{index}@example.fr", role="co_guardian")
        invoices.append(InvoiceFactory(caisse=caisse, household=household, period=period, issued=True))
    return invoices


def queries_and_mails(invoices):
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        sent = send_invoice_emails.call([invoice.pk for invoice in invoices])
    return len(queries), sent, list(mail.outbox)


def test_the_queries_do_not_grow_with_the_invoices_and_each_family_gets_its_own(cde11):
    period = BillingPeriodFactory(caisse=cde11)
    few = issued_invoices(cde11, period, 2, 0)
    many = issued_invoices(cde11, period, 6, 10)
    UserFactory(email="parent12@example.fr", language="en")
    few_queries, few_sent, _mails = queries_and_mails(few)
    many_queries, many_sent, mails = queries_and_mails(many)
    assert (few_sent, many_sent) == (2, 6)
    assert many_queries == few_queries
    by_recipient = {address: message for message in mails for address in message.to}
    assert sorted(by_recipient) == sorted(
        f"{who}{index}@example.fr" for who in ("parent", "second") for index in range(10, 16)
    )
    for index, invoice in zip(range(10, 16), many, strict=True):
        message = by_recipient[f"parent{index}@example.fr"]
        assert sorted(message.to) == [f"parent{index}@example.fr", f"second{index}@example.fr"]
        assert str(invoice.number) in message.subject
    # A family whose account chose English reads its e-mail in English, the others in French.
    assert "Hello" in by_recipient["parent12@example.fr"].body
    assert "Bonjour" in by_recipient["parent13@example.fr"].body
