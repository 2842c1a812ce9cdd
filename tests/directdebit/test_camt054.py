"""The bank's camt.054.001.02 notification of returned debits (« avis de rejet / retour »), read by
`sepa_returns` and the back office beside pain.002: validated against the official XSD, mapped by
EndToEndId (or MndtId and amount), all or nothing, the same output lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from refectoire.billing.models import Invoice
from refectoire.directdebit.enums import DebitState
from refectoire.directdebit.models import Debit
from refectoire.directdebit.returns import camt054_schema, parse_return_file
from refectoire.directdebit.services import batch_generate, returns_import
from refectoire.payments.guards import online_payment_refusals
from tests.directdebit import camt054
from tests.directdebit.helpers import issued_period, setup_sepa, sign


@pytest.fixture
def debits(cde11, household_a, parent_a, household_b, parent_b):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    sign(household_b, parent_b)
    period, _invoices = issued_period(cde11, [household_a, household_b])
    return list(batch_generate(caisse=cde11, period=period).debits.order_by("pk"))


def test_the_example_files_are_valid_against_the_official_schema():
    from lxml import etree

    content = camt054.notification(
        [camt054.entry([camt054.transaction(end_to_end="x-1", amount=Decimal("42.00"), reason="AC04")])]
    )
    assert camt054_schema().validate(etree.fromstring(content))


# One reason code of each group: account (AC), amount (AM), mandate (MD), refusal (MS),
# regulatory (RR), bank specific (SL).
@pytest.mark.parametrize("reason", ["AC04", "AM04", "MD01", "MS02", "RR01", "SL01"])
def test_a_returned_debit_is_rejected_and_its_invoice_is_to_pay_again(cde11, debits, reason):
    debit = debits[0]
    assert returns_import(caisse=cde11, content=camt054.returned(debit, reason)) == [
        (debit.invoice.number, reason, "rejected")
    ]
    debit.refresh_from_db()
    assert debit.state == DebitState.REJECTED and debit.reject_reason == reason
    invoice = Invoice.objects.get(pk=debit.invoice_id)
    assert invoice.amount_due == Decimal("42.00")
    assert online_payment_refusals([invoice.pk]) == {}  # PayFIP opens again


def test_a_booked_collection_is_accepted_and_a_second_import_is_idempotent(cde11, debits):
    rejected, booked = debits
    content = camt054.notification(
        [
            camt054.entry([camt054.transaction(end_to_end=rejected.end_to_end_id, reason="AM04")]),
            camt054.entry(
                [camt054.transaction(end_to_end=booked.end_to_end_id, amount=booked.amount)], returned=False
            ),
        ]
    )
    first = returns_import(caisse=cde11, content=content)
    assert first == [
        (rejected.invoice.number, "AM04", "rejected"),
        (booked.invoice.number, "", "accepted"),
    ]
    assert returns_import(caisse=cde11, content=content) == [
        (rejected.invoice.number, "AM04", "already_rejected"),
        (booked.invoice.number, "", "accepted"),
    ]
    booked.refresh_from_db()
    assert booked.state == DebitState.SENT
    assert rejected.events.filter(action="rejected").count() == 1


def test_an_unknown_end_to_end_id_refuses_the_whole_file(cde11, debits):
    known = debits[0]
    content = camt054.notification(
        [
            camt054.entry(
                [
                    camt054.transaction(end_to_end=known.end_to_end_id, reason="AC04"),
                    camt054.transaction(end_to_end="autre-caisse-99999-1", reason="AC04"),
                ]
            )
        ]
    )
    with pytest.raises(ValidationError, match="autre-caisse-99999-1"):
        returns_import(caisse=cde11, content=content)
    assert not Debit.objects.filter(state=DebitState.REJECTED).exists()


def test_the_debit_of_another_caisse_is_unknown(cde11, cde19, debits):
    with pytest.raises(ValidationError, match="inconnus"):
        returns_import(caisse=cde19, content=camt054.returned(debits[0], "AC04"))
    assert not Debit.objects.filter(state=DebitState.REJECTED).exists()


def test_without_end_to_end_id_the_mandate_and_the_amount_name_the_debit(cde11, debits):
    debit = debits[1]
    content = camt054.notification(
        [
            camt054.entry(
                [
                    camt054.transaction(
                        end_to_end="NOTPROVIDED",
                        mandate=debit.mandate.reference,
                        amount=debit.amount,
                        reason="MD06",
                    )
                ]
            )
        ]
    )
    assert returns_import(caisse=cde11, content=content) == [(debit.invoice.number, "MD06", "rejected")]
    wrong_amount = camt054.notification(
        [
            camt054.entry(
                [
                    camt054.transaction(
                        mandate=debits[0].mandate.reference, amount=Decimal("1.00"), reason="AC04"
                    )
                ]
            )
        ]
    )
    with pytest.raises(ValidationError, match="inconnus"):
        returns_import(caisse=cde11, content=wrong_amount)


def test_an_unknown_reason_code_refuses_the_whole_file(cde11, debits):
    content = camt054.notification(
        [
            camt054.entry(
                [
                    camt054.transaction(end_to_end=debits[0].end_to_end_id, reason="AC04"),
                    camt054.transaction(end_to_end=debits[1].end_to_end_id, reason="ZZ99"),
                ]
            )
        ]
    )
    with pytest.raises(ValidationError, match="ZZ99"):
        returns_import(caisse=cde11, content=content)
    assert not Debit.objects.filter(state=DebitState.REJECTED).exists()


def test_a_file_invalid_against_the_schema_is_refused_in_french():
    invalid = camt054.notification([]).replace(b"<MsgId>", b"<Unexpected/><MsgId>")
    with pytest.raises(ValidationError, match="pas conforme au schéma camt.054.001.02"):
        parse_return_file(invalid)
    other_version = camt054.notification([]).replace(b"camt.054.001.02", b"camt.054.001.08")
    with pytest.raises(ValidationError, match="seule la version camt.054.001.02"):
        parse_return_file(other_version)
    with pytest.raises(ValidationError, match="aucune opération"):
        parse_return_file(camt054.notification([]))


def test_sepa_returns_reads_a_camt054_and_prints_one_line_per_debit(cde11, debits, tmp_path, capsys):
    first, second = debits
    path = tmp_path / "avis.xml"
    path.write_bytes(
        camt054.notification(
            [
                camt054.entry([camt054.transaction(end_to_end=first.end_to_end_id, reason="AC04")]),
                camt054.entry([camt054.transaction(end_to_end=second.end_to_end_id)], returned=False),
            ]
        )
    )
    call_command("sepa_returns", "--caisse", "cde11", str(path))
    assert capsys.readouterr().out.splitlines() == [
        f"{first.invoice.number};AC04;rejected",
        f"{second.invoice.number};;accepted",
    ]
    path.write_bytes(camt054.notification([]).replace(b"<MsgId>", b"<Unexpected/><MsgId>"))
    with pytest.raises(CommandError, match="camt.054.001.02"):
        call_command("sepa_returns", "--caisse", "cde11", str(path))


def test_the_agent_imports_a_camt054_in_the_back_office(client, curl, cde11, debits, agent_cde11):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent_cde11)
    page = client.post(
        curl(cde11, "backoffice:directdebit_returns"),
        {"file": SimpleUploadedFile("avis.xml", camt054.returned(debits[0], "AC04"), "text/xml")},
    ).content.decode()
    assert "rejet enregistré" in page
    debits[0].refresh_from_db()
    assert debits[0].state == DebitState.REJECTED


def test_the_documented_example_is_valid_and_names_its_debit():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "formats-sepa.md").read_text()
    start = text.index('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">')
    end = text.index("</Document>", start) + len("</Document>")
    (row,) = parse_return_file(text[start:end].encode())
    assert (row.end_to_end_id, row.status, row.reason_code) == ("cde11-40946-1", "RJCT", "AC04")
    assert row.mandate_id == "RUM-CDE11-0000013-01" and row.amount == Decimal("31.50")
