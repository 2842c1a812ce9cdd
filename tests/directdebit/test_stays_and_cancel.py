"""Stay invoices debited once each (OOFF) in a batch of stays when the Caisse chooses it, and the
cancellation of a planned debit by an agent before its batch is generated."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from lxml import etree

from refectoire.billing.debits import debit_plans
from refectoire.billing.models import Invoice
from refectoire.directdebit import pain008
from refectoire.directdebit.enums import SequenceType
from refectoire.directdebit.models import DebitBatch, DebitCancellation
from refectoire.directdebit.selectors import batch_candidates, stay_candidates
from refectoire.directdebit.services import (
    batch_generate,
    debit_cancel,
    debit_reject,
    sepa_settings_save,
    stays_batch_generate,
)
from refectoire.payments.guards import online_payment_refusals
from refectoire.stays.enums import ChoiceState
from refectoire.stays.invoicing import stay_invoice_issue
from tests.directdebit.helpers import issued_period, setup_sepa, sign
from tests.households.factories import ChildFactory
from tests.stays.factories import HolidayStayFactory, StayChoiceFactory

PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.008.001.02}"


def stay_invoice(caisse, household, price=Decimal("180.00")) -> Invoice:
    stay = HolidayStayFactory(caisse=caisse, fixed_price=price)
    choice = StayChoiceFactory(
        stay=stay, child=ChildFactory(household=household), state=ChoiceState.CONFIRMED
    )
    return stay_invoice_issue(choice=choice)


def sequence_types(content: bytes) -> list[str]:
    return [node.text for node in etree.fromstring(content).iter(f"{PAIN}SeqTp")]


def test_stays_are_not_debited_unless_the_caisse_chooses_it(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    invoice = stay_invoice(cde11, household_a)
    assert stay_candidates(caisse=cde11) == []
    assert invoice.pk not in debit_plans([invoice])
    with pytest.raises(ValidationError, match="ne prélève pas les factures de séjour"):
        stays_batch_generate(caisse=cde11)


def test_a_stay_invoice_is_debited_once_as_ooff_with_its_prenotification(cde11, household_a, parent_a):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    invoice = stay_invoice(cde11, household_a)
    plan = debit_plans([invoice])[invoice.pk]
    assert plan.amount == Decimal("180.00") and "sera prélevée le" in plan.notice
    assert online_payment_refusals([invoice.pk])  # PayFIP waits for the debit
    batch = stays_batch_generate(caisse=cde11)
    assert batch.is_stays and batch.count == 1 and batch.total == Decimal("180.00")
    debit = batch.debits.get()
    assert debit.sequence_type == SequenceType.OOFF and debit.invoice_id == invoice.pk
    pain008.validate(bytes(batch.content), "pain.008.001.02")
    assert sequence_types(bytes(batch.content)) == ["OOFF"]
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    # Frozen; the next batch takes only the stay invoices issued since.
    with pytest.raises(ValidationError, match="Aucune facture de séjour"):
        stays_batch_generate(caisse=cde11)
    later = stay_invoice(cde11, household_a, Decimal("90.00"))
    second = stays_batch_generate(caisse=cde11)
    assert [d.invoice_id for d in second.debits.all()] == [later.pk]
    assert second.message_id != batch.message_id and bytes(batch.content) == bytes(
        DebitBatch.objects.get(pk=batch.pk).content
    )


def test_a_one_off_debit_is_not_the_first_of_the_series(cde11, household_a, parent_a):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    stay_invoice(cde11, household_a)
    stays_batch_generate(caisse=cde11)
    period, _invoices = issued_period(cde11, [household_a])
    (candidate,) = batch_candidates(caisse=cde11, period=period)
    assert candidate.sequence_type == SequenceType.FRST
    batch = batch_generate(caisse=cde11, period=period)
    assert sequence_types(bytes(batch.content)) == ["FRST"]


def test_stays_are_debited_on_the_pain008_route_only(cde11):
    with pytest.raises(ValidationError) as error:
        setup_sepa(cde11, route="pes", debit_stays=True)
    assert "debit_stays" in error.value.message_dict


def test_a_stay_of_a_household_without_mandate_or_of_another_caisse_is_not_taken(
    cde11, cde19, household_a, parent_a, household_b
):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    stay_invoice(cde11, household_b)  # no mandate
    mine = stay_invoice(cde11, household_a)
    assert [c.invoice.pk for c in stay_candidates(caisse=cde11)] == [mine.pk]
    assert stay_candidates(caisse=cde19) == []


# Cancellation -----------------------------------------------------------------------------------


def test_an_agent_cancels_a_planned_debit_the_family_is_told_and_may_pay_online(
    cde11, household_a, parent_a, household_b, parent_b, agent_cde11, django_capture_on_commit_callbacks
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    sign(household_b, parent_b)
    period, (cancelled, kept) = issued_period(cde11, [household_a, household_b])
    assert online_payment_refusals([cancelled.pk])
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error:
        debit_cancel(invoice=cancelled, actor=agent_cde11, reason="  ")
    assert "reason" in error.value.message_dict
    parent_a.language = "en"
    parent_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        cancellation = debit_cancel(
            invoice=cancelled, actor=agent_cde11, reason="Famille partie en cours d'année"
        )
    assert cancellation.history.count() == 1 and cancellation.cancelled_by == agent_cde11
    assert online_payment_refusals([cancelled.pk]) == {}  # PayFIP opens
    assert cancelled.pk not in debit_plans([cancelled])
    assert any(
        "will not take place" in message.body and "Famille partie" in message.body for message in mail.outbox
    )
    batch = batch_generate(caisse=cde11, period=period)
    assert [debit.invoice_id for debit in batch.debits.all()] == [kept.pk]
    cancelled.refresh_from_db()
    assert cancelled.amount_due == Decimal("42.00")  # « non réglée »
    with pytest.raises(ValidationError, match="déjà annulé"):
        debit_cancel(invoice=cancelled, actor=agent_cde11, reason="encore")


def test_a_debit_of_a_generated_batch_cannot_be_cancelled(cde11, household_a, parent_a, agent_cde11):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    batch = batch_generate(caisse=cde11, period=period)
    content = bytes(batch.content)
    with pytest.raises(ValidationError, match="ne change plus"):
        debit_cancel(invoice=invoice, actor=agent_cde11, reason="trop tard")
    assert not DebitCancellation.objects.exists()
    assert bytes(DebitBatch.objects.get(pk=batch.pk).content) == content
    debit_reject(debit=batch.debits.get(), reason_code="MS02")
    with pytest.raises(ValidationError, match="n'est pas à prélever"):
        debit_cancel(invoice=invoice, actor=agent_cde11, reason="déjà rejeté")


def test_a_planned_stay_debit_can_be_cancelled(cde11, household_a, parent_a, agent_cde11):
    setup_sepa(cde11, debit_stays=True)
    sign(household_a, parent_a)
    invoice = stay_invoice(cde11, household_a)
    debit_cancel(invoice=invoice, actor=agent_cde11, reason="séjour payé en chèques-vacances")
    assert stay_candidates(caisse=cde11) == []
    with pytest.raises(ValidationError, match="Aucune facture de séjour"):
        stays_batch_generate(caisse=cde11)


def test_the_setting_is_saved_with_the_others(cde11):
    sepa = setup_sepa(cde11, debit_stays=True)
    assert sepa.debit_stays
    sepa = sepa_settings_save(
        caisse=cde11,
        creditor_name=sepa.creditor_name,
        creditor_id=sepa.creditor_id,
        iban=sepa.iban,
        bic=sepa.bic,
        debit_days_after_issue=20,
    )
    assert not sepa.debit_stays


def test_sepa_batch_stays_writes_a_new_batch_of_stays(cde11, household_a, parent_a, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    setup_sepa(cde11)
    sign(household_a, parent_a)
    stay_invoice(cde11, household_a)
    output = tmp_path / "sejours.xml"
    with pytest.raises(CommandError, match="ne prélève pas les factures de séjour"):
        call_command("sepa_batch", "--caisse", "cde11", "--stays", "--output", str(output))
    setup_sepa(cde11, debit_stays=True)
    call_command("sepa_batch", "--caisse", "cde11", "--stays", "--output", str(output))
    batch = DebitBatch.objects.get(period__isnull=True)
    assert output.read_bytes() == bytes(batch.content)
    with pytest.raises(CommandError, match="Aucune facture de séjour"):
        call_command("sepa_batch", "--caisse", "cde11", "--stays", "--output", str(output))
