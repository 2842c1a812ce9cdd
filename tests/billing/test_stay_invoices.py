"""Invoices of holiday stays: price of the first day's bracket, numbering, idempotence, credit notes."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from refectoire.billing.enums import InvoiceKind, InvoiceState, LineKind
from refectoire.billing.models import Invoice, InvoiceCounter, InvoiceEvent
from refectoire.payments.services import household_balance, payment_record
from refectoire.stays.enums import ChoiceState
from refectoire.stays.invoicing import stay_due_date, stay_invoice_issue
from refectoire.stays.models import StayChoice, StayPrice
from refectoire.stays.services import stay_choice_confirm, stay_choice_withdraw
from tests.billing.stays import START, D, confirmed_place, decide, priced_caisse, winter_stay

pytestmark = pytest.mark.django_db


def issue(choice, **kwargs):
    return stay_invoice_issue(choice=choice, **kwargs)


def test_the_price_is_the_bracket_in_force_on_the_first_day_when_the_decision_changes_the_day_after(cde19):
    year = priced_caisse(cde19)
    choice = confirmed_place(cde19)
    household = choice.application.household
    before = decide(household, year, 3, D(2026, 9, 1), quotient="650.00")
    decide(household, year, 7, START + datetime.timedelta(days=1), quotient="1500.00")
    invoice = issue(choice)
    (line,) = invoice.lines.all()
    assert (invoice.total, line.amount, line.unit_price) == (Decimal("90.00"),) * 3
    assert (line.kind, line.child, line.meals, line.days) == (LineKind.STAY, choice.child, 0, [])
    assert (line.bracket_number, line.family_quotient, line.decision_id) == (3, Decimal("650.00"), before.pk)
    assert "tarif 3" in line.reason and "premier jour du séjour (15/02/2027)" in line.reason


def test_a_decision_taking_effect_on_the_first_day_sets_the_price(cde19):
    year = priced_caisse(cde19)
    choice = confirmed_place(cde19)
    household = choice.application.household
    decide(household, year, 3, D(2026, 9, 1))
    on_start = decide(household, year, 7, START, quotient="1500.00")
    line = issue(choice).lines.get()
    assert (line.amount, line.bracket_number, line.decision_id) == (Decimal("210.00"), 7, on_start.pk)


def test_a_decision_taking_effect_the_day_before_the_stay_sets_the_price(cde19):
    year = priced_caisse(cde19)
    choice = confirmed_place(cde19)
    decision = decide(choice.application.household, year, 2, START - datetime.timedelta(days=1))
    line = issue(choice).lines.get()
    assert (line.amount, line.bracket_number, line.decision_id) == (Decimal("60.00"), 2, decision.pk)


def test_a_household_without_a_decision_pays_the_default_bracket(cde19):
    priced_caisse(cde19)
    line = issue(confirmed_place(cde19)).lines.get()
    assert (line.amount, line.bracket_number, line.family_quotient, line.decision_id) == (
        Decimal("300.00"),
        10,
        None,
        None,
    )
    assert "aucun justificatif de ressources" in line.reason


def test_a_fixed_price_is_invoiced_whatever_the_bracket(cde19):
    year = priced_caisse(cde19)
    choice = confirmed_place(cde19, stay=winter_stay(cde19, fixed_price=Decimal("85.50")))
    decide(choice.application.household, year, 1, D(2026, 9, 1))
    line = issue(choice).lines.get()
    assert (line.amount, line.bracket_number, line.reason) == (Decimal("85.50"), None, "prix fixe du séjour")


def test_a_stay_without_a_price_for_the_bracket_is_not_invoiced(cde19):
    priced_caisse(cde19)
    choice = confirmed_place(cde19)
    StayPrice.objects.filter(stay=choice.stay, bracket_number=10).delete()
    with pytest.raises(Exception, match="pas de prix pour le tarif 10"):
        issue(choice)
    assert not Invoice.objects.exists()
    choice.refresh_from_db()
    assert choice.invoice is None and choice.invoiced_at is None


def test_the_invoice_is_the_households_own_document_numbered_in_the_caisse_sequence(
    cde19, django_capture_on_commit_callbacks
):
    priced_caisse(cde19)
    InvoiceCounter.objects.create(caisse=cde19, next_number=40950)
    choice = confirmed_place(cde19)
    choice.child.first_name = "Inès"
    choice.child.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(choice)
    household = choice.application.household
    assert (invoice.household, invoice.adult_registration, invoice.period) == (household, None, None)
    assert (invoice.kind, invoice.state, invoice.number) == (InvoiceKind.INVOICE, InvoiceState.ISSUED, 40950)
    assert invoice.label == "Séjour Classe de neige — Inès"
    assert invoice.title == "Facture 40950 - Séjour Classe de neige — Inès"
    assert invoice.payment_opens_at is None and invoice.payment_is_open()
    assert invoice.due_date == stay_due_date(
        stay=choice.stay, issued_on=timezone.localdate(invoice.issued_at)
    )
    assert InvoiceCounter.objects.get(caisse=cde19).next_number == 40951
    (event,) = InvoiceEvent.objects.filter(invoice=invoice)
    assert (event.action, event.from_state, event.to_state) == ("issued", "draft", "issued")
    choice.refresh_from_db()
    assert choice.invoice == invoice and choice.invoiced_at == invoice.issued_at
    (message,) = mail.outbox
    assert message.to == [household.guardians.get().user.email]
    assert "Facture 40950 - Séjour Classe de neige — Inès" in message.subject
    assert f"/cde19/mon-espace/factures/{invoice.uuid}/" in message.body


def test_the_due_date_is_the_eve_of_the_stay_within_30_days_and_never_less_than_7_days():
    stay = type("Stay", (), {"start_date": D(2027, 2, 15)})()
    assert stay_due_date(stay=stay, issued_on=D(2026, 12, 2)) == D(2027, 1, 1)  # 30 days
    assert stay_due_date(stay=stay, issued_on=D(2027, 1, 30)) == D(2027, 2, 14)  # the eve
    assert stay_due_date(stay=stay, issued_on=D(2027, 2, 12)) == D(2027, 2, 19)  # a week, at least


def test_two_calls_make_one_invoice(cde19):
    priced_caisse(cde19)
    choice = confirmed_place(cde19)
    first = issue(choice)
    assert issue(choice) is None
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get(caisse=cde19).next_number == first.number + 1


def test_a_place_not_confirmed_is_not_invoiced(cde19):
    priced_caisse(cde19)
    for state in (ChoiceState.ALLOCATED, ChoiceState.WAITING, ChoiceState.CANCELLED):
        assert issue(confirmed_place(cde19, state=state)) is None
    assert not Invoice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calls_make_one_invoice():
    from tests.factories import CaisseFactory

    cde19 = CaisseFactory(slug="cde19")
    priced_caisse(cde19)
    choice = confirmed_place(cde19)
    overlap = connection.vendor == "postgresql"  # SQLite's test database can't wait on row locks
    barrier = threading.Barrier(2 if overlap else 1)
    results, errors = [], []

    def call():
        try:
            barrier.wait()
            results.append(issue(StayChoice.objects.get(pk=choice.pk)))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
        if not overlap:
            thread.join()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(result is not None for result in results) == 1
    assert Invoice.objects.count() == 1


def test_confirming_a_place_issues_its_invoice_through_the_worker(
    cde19, parent_a, django_capture_on_commit_callbacks
):
    priced_caisse(cde19)
    choice = confirmed_place(cde19, user=parent_a, state=ChoiceState.ALLOCATED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stay_choice_confirm(choice=choice, actor=parent_a)
        assert not Invoice.objects.exists()  # only once the confirmation is committed
    assert callbacks
    choice.refresh_from_db()
    assert choice.invoice.total == Decimal("300.00")
    assert choice.invoice.household == choice.application.household


def test_the_catch_up_command_prints_one_line_per_invoice_issued(cde19, cde11, capsys):
    priced_caisse(cde19)
    priced_caisse(cde11)
    InvoiceCounter.objects.create(caisse=cde19, next_number=7)
    stay = winter_stay(cde19)
    first = confirmed_place(cde19, stay=stay)
    second = confirmed_place(cde19, stay=winter_stay(cde19, fixed_price=Decimal("120.00"), title="Poney"))
    confirmed_place(cde19, stay=stay, state=ChoiceState.ALLOCATED)
    confirmed_place(cde11)  # another Caisse
    already = confirmed_place(cde19, stay=stay)
    issue(already)  # number 7
    call_command("invoice_stays", caisse="cde19")
    out = capsys.readouterr().out.splitlines()
    expected = []
    for number, choice, total in ((8, first, "300.00"), (9, second, "120.00")):
        choice.refresh_from_db()
        assert choice.invoice.number == number
        expected.append(
            f"{number};{choice.application.household.reference};{choice.child.reference};{total};"
            f"{choice.invoice.due_date.isoformat()};{choice.invoice.label}"
        )
    assert sorted(out) == sorted(expected)
    call_command("invoice_stays", caisse="cde19")
    assert capsys.readouterr().out == ""
    assert Invoice.objects.filter(caisse=cde11).count() == 0


def test_the_catch_up_command_reports_a_stay_it_cannot_price_and_goes_on(cde19, capsys):
    priced_caisse(cde19)
    broken = confirmed_place(cde19)
    StayPrice.objects.filter(stay=broken.stay, bracket_number=10).delete()
    fine = confirmed_place(cde19, stay=winter_stay(cde19, fixed_price=Decimal("50.00"), title="Poney"))
    with pytest.raises(CommandError, match="1 séjour"):
        call_command("invoice_stays", caisse="cde19")
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 and "pas de prix pour le tarif 10" in captured.err
    fine.refresh_from_db()
    assert fine.invoice is not None
    with pytest.raises(CommandError, match="Caisse inconnue"):
        call_command("invoice_stays", caisse="cde99")


def test_withdrawing_an_unpaid_invoiced_place_credits_the_whole_invoice(cde19, parent_a):
    priced_caisse(cde19)
    choice = confirmed_place(cde19, user=parent_a)
    invoice = issue(choice)
    stay_choice_withdraw(choice=choice, actor=parent_a, reason="Désistement de la famille.")
    invoice.refresh_from_db()
    (note,) = invoice.credit_notes.all()
    assert (note.kind, note.total, note.period, note.number) == (
        InvoiceKind.CREDIT_NOTE,
        Decimal("300.00"),
        None,
        invoice.number + 1,
    )
    assert "Désistement de la famille." in note.reason
    assert (invoice.state, invoice.amount_due) == (InvoiceState.CANCELLED, Decimal("0.00"))
    assert household_balance(household=invoice.household)["balance"] == Decimal("0.00")
    choice.refresh_from_db()
    assert choice.state == ChoiceState.CANCELLED and choice.invoice == invoice


def test_an_agent_cancelling_a_paid_place_credits_it_and_the_payment_becomes_an_overpayment(
    client, curl, cde19, agent_cde19, parent_a
):
    priced_caisse(cde19)
    choice = confirmed_place(cde19, user=parent_a)
    invoice = issue(choice)
    payment_record(
        caisse=cde19,
        household=invoice.household,
        amount=Decimal("300.00"),
        method="cheque",
        paid_on=D(2026, 12, 3),
        actor=agent_cde19,
    )
    client.force_login(agent_cde19)
    client.post(curl(cde19, "backoffice:stay_choice_cancel", choice_uuid=choice.uuid), {"reason": "Fracture"})
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED and invoice.amount_credited == Decimal("300.00")
    assert invoice.credit_notes.get().created_at is not None
    balance = household_balance(household=invoice.household)
    assert (balance["due"], balance["overpaid"]) == (Decimal("0.00"), Decimal("300.00"))


def test_a_partly_credited_invoice_is_credited_for_what_is_left(cde19, parent_a):
    from refectoire.billing.services import credit_note_create

    priced_caisse(cde19)
    choice = confirmed_place(cde19, user=parent_a)
    invoice = issue(choice)
    credit_note_create(invoice=invoice, reason="Geste", lines=[("Geste commercial", Decimal("50.00"))])
    stay_choice_withdraw(choice=choice, actor=parent_a)
    invoice.refresh_from_db()
    assert sorted(note.total for note in invoice.credit_notes.all()) == [Decimal("50.00"), Decimal("250.00")]
    assert invoice.state == InvoiceState.CANCELLED


def test_withdrawing_before_the_invoice_is_issued_leaves_nothing_to_invoice(cde19, parent_a):
    priced_caisse(cde19)
    choice = confirmed_place(cde19, user=parent_a)
    stay_choice_withdraw(choice=choice, actor=parent_a)
    assert issue(choice) is None
    assert not Invoice.objects.exists()
