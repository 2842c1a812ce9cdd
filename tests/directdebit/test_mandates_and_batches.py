"""Direct debit in the domain: IBAN rules, mandates, batches (XSD, frozen bytes, FRST/RCUR over
three periods), the pre-notification, PayFIP closed while debited, rejects and their effects."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from lxml import etree

from refectoire.billing.models import Invoice
from refectoire.billing.selectors import invoice_detail_context
from refectoire.directdebit import pain008
from refectoire.directdebit.banking import check_account, check_creditor_id
from refectoire.directdebit.enums import DebitState, MandateState, RejectReason
from refectoire.directdebit.models import Debit, Mandate, RefundToMake
from refectoire.directdebit.services import (
    batch_file,
    batch_generate,
    debit_reject,
    mandate_revoke,
    returns_import,
)
from refectoire.documents.models import Document
from refectoire.payments.enums import PaymentMethod, PaymentState
from refectoire.payments.guards import online_payment_refusals
from refectoire.payments.models import Payment
from refectoire.payments.services import payment_record
from tests.directdebit.helpers import PARENT_IBAN, issued_period, setup_sepa, sign

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


# IBAN and ICS rules ----------------------------------------------------------------------------


def test_a_valid_french_iban_gives_its_bank_and_bic():
    account = check_account(iban="fr14 2004 1010 0505 0001 3m02 606")
    assert account.iban == PARENT_IBAN
    assert account.bic == "PSSTFRPP"


@pytest.mark.parametrize(
    ("iban", "words"),
    [
        ("FR1420041010050500013M02607", "clé de contrôle incorrecte"),
        ("FR142004101005050001", "longueur"),
        ("XX1420041010050500013M02606", "code de pays"),
        ("BR1800360305000010009795493C1", "hors de la zone SEPA"),
        ("FR7699999000000001123456749", "aucune banque française connue"),
    ],
)
def test_a_bad_iban_is_refused_with_its_fault_next_to_the_field(iban, words):
    with pytest.raises(ValidationError) as error:
        check_account(iban=iban)
    assert words in error.value.message_dict["iban"][0]


def test_a_foreign_sepa_iban_needs_a_bic_when_its_bank_is_not_derived():
    with pytest.raises(ValidationError) as error:
        check_account(iban="GB82WEST12345698765432")
    assert "BIC" in error.value.message_dict["bic"][0]
    assert check_account(iban="GB82WEST12345698765432", bic="NWBKGB2L").bic == "NWBKGB2L"
    assert check_account(iban="DE89370400440532013000").bic == "COBADEFFXXX"


def test_the_creditor_identifier_is_checked_by_its_key():
    assert check_creditor_id("FR72ZZZ123456") == "FR72ZZZ123456"
    with pytest.raises(ValidationError):
        check_creditor_id("FR73ZZZ123456")
    with pytest.raises(ValidationError):
        check_creditor_id("FR72ZZZ12345")


# Mandates -------------------------------------------------------------------------------------


def test_signing_stores_the_iban_encrypted_a_pdf_in_documents_and_emails_it(
    cde11, household_a, parent_a, django_capture_on_commit_callbacks
):
    setup_sepa(cde11)
    with django_capture_on_commit_callbacks(execute=True):
        mandate = sign(household_a, parent_a)
    assert mandate.state == MandateState.ACTIVE
    assert mandate.account_hint == "FR14 •••• •••• 2606"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select iban from directdebit_mandate where id = %s", [mandate.pk])
        stored = cursor.fetchone()[0]
    assert PARENT_IBAN not in stored and stored.startswith("gAAAA")
    assert Mandate.objects.get(pk=mandate.pk).iban == PARENT_IBAN
    assert Document.objects.filter(household=household_a, kind="sepa_mandate").count() == 1
    with mandate.document.file.open("rb") as stored_pdf:
        assert stored_pdf.read(4) == b"%PDF"
    sent = [message for message in mail.outbox if "mandat" in message.subject.lower()]
    assert sent and sent[0].attachments[0][2] == "application/pdf"


def test_signing_needs_the_box_ticked_and_the_right_password_and_saves_nothing_otherwise(
    cde11, household_a, parent_a
):
    setup_sepa(cde11)
    with pytest.raises(ValidationError) as error:
        sign(household_a, parent_a, accepted=False, password="wrong")
    assert set(error.value.message_dict) == {"accepted", "password"}
    with pytest.raises(ValidationError) as error:
        sign(household_a, parent_a, iban="FR1420041010050500013M02607")
    assert "iban" in error.value.message_dict
    assert not Mandate.objects.exists()
    assert not Document.objects.exists()


def test_another_household_member_cannot_sign(cde11, household_a, parent_b):
    setup_sepa(cde11)
    with pytest.raises(ValidationError):
        sign(household_a, parent_b)


def test_a_new_account_revokes_the_old_mandate_and_keeps_its_history(cde11, household_a, parent_a):
    setup_sepa(cde11)
    first = sign(household_a, parent_a)
    second = sign(household_a, parent_a, iban="DE89370400440532013000")
    first.refresh_from_db()
    assert first.state == MandateState.REVOKED and first.ended_at is not None
    assert second.state == MandateState.ACTIVE
    assert first.reference != second.reference
    assert first.history.count() >= 2
    assert Mandate.objects.live().filter(household=household_a).get() == second


# Batches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["pain.008.001.02", "pain.008.001.08"])
def test_the_batch_file_is_valid_against_the_official_xsd_and_frozen(
    cde11, household_a, parent_a, household_b, version
):
    setup_sepa(cde11, pain_version=version)
    sign(household_a, parent_a)
    period, (invoice_a, invoice_b) = issued_period(cde11, [household_a, household_b])
    batch = batch_generate(caisse=cde11, period=period)
    content = batch_file(batch)
    pain008.validate(content, version)  # the XSD shipped by sepaxml (ISO 20022)
    document = etree.fromstring(content)
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "1"
    assert document.findtext(".//p:DrctDbtTxInf/p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == PARENT_IBAN
    assert document.findtext(".//p:SeqTp", namespaces=ns) == "FRST"
    # Frozen: generating again gives the same batch and the same bytes, the other version too.
    assert batch_generate(caisse=cde11, period=period).pk == batch.pk
    assert batch_file(batch) == content
    other = "pain.008.001.08" if version.endswith("02") else "pain.008.001.02"
    assert batch_file(batch, version=other) == batch_file(batch, version=other)
    invoice_a.refresh_from_db()
    assert invoice_a.amount_due == 0
    payment = Payment.objects.get(household=household_a)
    assert payment.method == PaymentMethod.DIRECT_DEBIT and payment.amount == Decimal("42.00")
    assert Invoice.objects.get(pk=invoice_b.pk).amount_due == Decimal("42.00")


def test_sequence_types_over_three_periods(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    sequences = []
    for month in (1, 3, 5):
        period, (invoice,) = issued_period(cde11, [household_a], month=month)
        batch = batch_generate(caisse=cde11, period=period)
        sequences.append(batch.debits.get().sequence_type)
    assert sequences == ["FRST", "RCUR", "RCUR"]


def test_a_rejected_first_debit_makes_the_next_one_first_again(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, _ = issued_period(cde11, [household_a], month=1)
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    debit_reject(debit=debit, reason_code="AM04")
    period, _ = issued_period(cde11, [household_a], month=3)
    assert batch_generate(caisse=cde11, period=period).debits.get().sequence_type == "FRST"


def test_no_batch_without_ics_or_before_issue(cde11, household_a):
    period, _ = issued_period(cde11, [household_a])
    with pytest.raises(ValidationError) as error:
        batch_generate(caisse=cde11, period=period)
    assert "ICS" in error.value.messages[0]


def test_the_invoice_says_when_it_will_be_debited_and_payfip_is_closed(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    plan = invoice_detail_context(invoice)["debit_plan"]
    expected = (invoice.issued_at.date() + datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    assert plan.notice == f"Cette facture sera prélevée le {expected} sur le compte FR14 •••• •••• 2606"
    assert invoice.pk in online_payment_refusals([invoice.pk])
    batch_generate(caisse=cde11, period=period)
    assert invoice.pk in online_payment_refusals([invoice.pk])


def test_a_revoked_mandate_debits_nothing_more_but_keeps_what_was_sent(cde11, household_a, parent_a):
    setup_sepa(cde11)
    mandate = sign(household_a, parent_a)
    period, _ = issued_period(cde11, [household_a], month=1)
    batch_generate(caisse=cde11, period=period)
    mandate_revoke(mandate=mandate, actor=parent_a, by="parent")
    period, (invoice,) = issued_period(cde11, [household_a], month=3)
    assert not online_payment_refusals([invoice.pk])
    assert batch_generate(caisse=cde11, period=period).count == 0
    assert Debit.objects.filter(state=DebitState.SENT).count() == 1


# Rejects ---------------------------------------------------------------------------------------


def _pain002(rows, version="pain.002.001.03"):
    transactions = "".join(
        f"<TxInfAndSts><OrgnlEndToEndId>{end_to_end}</OrgnlEndToEndId><TxSts>{status}</TxSts>"
        + (f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>" if code else "")
        + "</TxInfAndSts>"
        for end_to_end, status, code in rows
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">'
        f"<CstmrPmtStsRpt><GrpHdr><MsgId>RET1</MsgId></GrpHdr><OrgnlPmtInfAndSts>{transactions}"
        "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


@pytest.mark.parametrize("code", RejectReason.values)
def test_each_reason_code_reopens_the_invoice_and_tells_the_family(
    cde11, household_a, parent_a, code, django_capture_on_commit_callbacks
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lines = returns_import(caisse=cde11, content=_pain002([(debit.end_to_end_id, "RJCT", code)]))
    assert lines == [(invoice.number, code, "rejected")]
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("42.00")
    assert debit.payment.__class__.objects.get(pk=debit.payment_id).state == PaymentState.CANCELLED
    assert not online_payment_refusals([invoice.pk])  # PayFIP opens
    assert any(str(RejectReason(code).label) in message.body for message in mail.outbox)


def test_a_return_file_naming_an_unknown_debit_changes_nothing(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, _ = issued_period(cde11, [household_a])
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    with pytest.raises(ValidationError):
        returns_import(
            caisse=cde11, content=_pain002([(debit.end_to_end_id, "RJCT", "AC04"), ("nope", "RJCT", "AC04")])
        )
    debit.refresh_from_db()
    assert debit.state == DebitState.SENT


def test_importing_the_same_return_twice_records_once(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    content = _pain002([(debit.end_to_end_id, "RJCT", "AC04")])
    returns_import(caisse=cde11, content=content)
    assert returns_import(caisse=cde11, content=content) == [(invoice.number, "AC04", "already_rejected")]


def test_two_rejects_in_a_row_suspend_the_mandate(cde11, household_a, parent_a):
    setup_sepa(cde11)
    mandate = sign(household_a, parent_a)
    for month in (1, 3):
        period, _ = issued_period(cde11, [household_a], month=month)
        debit_reject(debit=batch_generate(caisse=cde11, period=period).debits.get(), reason_code="AM04")
    mandate.refresh_from_db()
    assert mandate.state == MandateState.SUSPENDED
    period, (invoice,) = issued_period(cde11, [household_a], month=5)
    assert batch_generate(caisse=cde11, period=period).count == 0


def test_a_reject_on_an_invoice_paid_otherwise_makes_a_refund_to_make(cde11, household_a, parent_a):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    period, (invoice,) = issued_period(cde11, [household_a])
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    # The family also paid at the counter: a confirmed overpayment while the debit was on its way.
    payment_record(
        caisse=cde11,
        household=household_a,
        method="cheque",
        amount=Decimal("84.00"),
        paid_on=datetime.date.today(),
        invoices=[invoice],
        confirm_overpayment=True,
    )
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    result = debit_reject(debit=debit, reason_code="MD06")
    assert result == "refund_to_make"
    invoice.refresh_from_db()
    assert invoice.amount_due == 0
    assert RefundToMake.objects.get().amount == Decimal("42.00")


def test_the_reject_e_mail_is_written_in_the_family_s_language(
    cde11, household_a, parent_a, django_capture_on_commit_callbacks
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    parent_a.language = "en"
    parent_a.save(update_fields=["language"])
    period, (invoice,) = issued_period(cde11, [household_a])
    debit = batch_generate(caisse=cde11, period=period).debits.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        debit_reject(debit=debit, reason_code="AC04")
    (message,) = [message for message in mail.outbox if str(invoice.number) in message.body]
    assert "was rejected by your bank" in message.body and "Account closed" in message.body
