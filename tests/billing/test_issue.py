import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from refectoire.billing.enums import InvoiceState, RunState
from refectoire.billing.models import BillingRun, Invoice, InvoiceCounter
from refectoire.billing.services import billing_run_issue, credit_note_create
from refectoire.core.lifecycle import SYSTEM, transition
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.factories import HouseholdFactory


def draft_run(caisse, period, count):
    run = BillingRun.objects.create(caisse=caisse, period=period, state=RunState.DRAFT)
    invoices = []
    for index in range(count):
        household = HouseholdFactory(caisse=caisse, reference=f"H{period.start_date:%m}{index:03d}")
        GuardianFactory(household=household)
        invoices.append(InvoiceFactory(caisse=caisse, household=household, period=period))
    return run, invoices


def test_issuing_numbers_the_drafts_in_sequence_and_emails_the_parents(
    cde11, manager_cde11, django_capture_on_commit_callbacks
):
    InvoiceCounter.objects.create(caisse=cde11, next_number=40945)
    period = BillingPeriodFactory(caisse=cde11)
    run, invoices = draft_run(cde11, period, 3)
    with django_capture_on_commit_callbacks(execute=True):
        billing_run_issue(run=run, actor=manager_cde11)
    numbers = sorted(Invoice.objects.filter(period=period).values_list("number", flat=True))
    assert numbers == [40945, 40946, 40947]
    invoice = Invoice.objects.get(number=40945)
    assert invoice.state == InvoiceState.ISSUED
    assert invoice.title == "Restauration 40945 - Mars / Avril 2027"
    assert invoice.events.get().actor == manager_cde11
    assert len(mail.outbox) == 3
    assert any("Restauration 40945 - Mars / Avril 2027" in message.subject for message in mail.outbox)
    assert "02/04/2027 à 14h00" in mail.outbox[0].body


def test_an_issued_run_cannot_be_issued_again_nor_recomputed(cde11):
    from refectoire.billing.services import billing_run_prepare

    period = BillingPeriodFactory(caisse=cde11)
    run, _invoices = draft_run(cde11, period, 1)
    billing_run_issue(run=run)
    with pytest.raises(ValidationError):
        billing_run_issue(run=run)
    with pytest.raises(ValidationError):
        billing_run_prepare(caisse=cde11, period=period)


def test_a_credit_note_takes_the_next_number_and_reduces_what_is_due(cde11, agent_cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, number=7, total=Decimal("42.00"))
    InvoiceCounter.objects.create(caisse=cde11, next_number=8)
    note = credit_note_create(
        invoice=invoice,
        reason="Sortie scolaire",
        lines=[("Repas du 12/03", Decimal("7.00"))],
        actor=agent_cde11,
    )
    invoice.refresh_from_db()
    assert note.number == 8
    assert note.title == "Avoir 8 - Mars / Avril 2027"
    assert note.lines.get().amount == Decimal("-7.00")
    assert invoice.amount_due == Decimal("35.00")
    assert invoice.payable_state_label(datetime.date(2027, 5, 1)) == "à payer"


def test_a_credit_note_of_the_whole_invoice_cancels_it(cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("14.00"))
    credit_note_create(
        invoice=invoice, reason="Erreur d'inscription", lines=[("Annulation", Decimal("14.00"))]
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED
    assert invoice.payable_state_label() == "annulée"


def test_a_cancelled_invoice_takes_no_other_credit_note_and_never_moves_again(cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("14.00"))
    credit_note_create(invoice=invoice, reason="Erreur", lines=[("Annulation", Decimal("14.00"))])
    with pytest.raises(ValidationError, match="non annulée"):
        credit_note_create(invoice=invoice, reason="Encore", lines=[("Annulation", Decimal("1.00"))])
    invoice.refresh_from_db()
    with pytest.raises(ValidationError, match="ne peut pas passer dans cet état"):
        transition(invoice, InvoiceState.ISSUED, actor=None, by=SYSTEM, action="issued")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED
    assert list(invoice.events.values_list("action", flat=True)) == ["credited", "cancelled"]


def test_a_credit_note_cannot_exceed_the_invoice(cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True, total=Decimal("14.00"))
    with pytest.raises(ValidationError):
        credit_note_create(invoice=invoice, reason="Trop", lines=[("Trop", Decimal("14.01"))])


def test_an_issued_invoice_past_due_and_unpaid_is_late(cde11):
    invoice = InvoiceFactory(caisse=cde11, issued=True)
    assert invoice.payable_state_label(datetime.date(2027, 6, 1)) == "en retard"
    assert invoice.payable_state_label(datetime.date(2027, 5, 1)) == "à payer"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_leave_no_gap_and_no_duplicate_in_numbering():
    from tests.factories import CaisseFactory

    caisse = CaisseFactory(slug="cde11")
    runs = []
    for month in (1, 3, 5, 9):
        period = BillingPeriodFactory(
            caisse=caisse,
            start_date=datetime.date(2027 if month < 7 else 2026, month, 1),
            end_date=datetime.date(2027 if month < 7 else 2026, month + 1, 28),
            label=f"Période {month}",
        )
        runs.append(draft_run(caisse, period, 5)[0])
    notes_on = [InvoiceFactory(caisse=caisse, issued=True, number=n, total=Decimal("20")) for n in (1, 2, 3)]
    InvoiceCounter.objects.create(caisse=caisse, next_number=4)
    # PostgreSQL: every issue starts at once and meets the counter's row lock. SQLite has one writer
    # at a time (BEGIN IMMEDIATE) and its shared in-memory test database refuses waiting: there the
    # same issues run one thread after the other.
    overlap = connection.vendor == "postgresql"
    barrier = threading.Barrier(len(runs) + len(notes_on) if overlap else 1)
    errors = []

    def work(action):
        try:
            barrier.wait()
            action()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    actions = [lambda run=run: billing_run_issue(run=run) for run in runs] + [
        lambda invoice=invoice: credit_note_create(
            invoice=invoice, reason="Geste", lines=[("Geste", Decimal("1"))]
        )
        for invoice in notes_on
    ]
    threads = [threading.Thread(target=work, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
        if not overlap:
            thread.join()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.objects.filter(caisse=caisse).values_list("number", flat=True))
    assert numbers == list(range(1, 4 + 4 * 5 + 3))
    assert InvoiceCounter.objects.get(caisse=caisse).next_number == 4 + 4 * 5 + 3
