"""The PES V2 route (InfoPrelevementSEPA in the ORMC export, valid against the official PES_Aller.xsd
v5.11) and the two commands: sepa_batch (same bytes as the screen, exit 1 with a clear message) and
sepa_returns (invoice_number;reason_code;result)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refectoire.directdebit import pain008
from refectoire.directdebit.models import DebitBatch
from refectoire.directdebit.services import batch_file, batch_generate
from tests.billing.pes import assert_official, complete_debtors, ready_for_pes
from tests.directdebit.helpers import PARENT_IBAN, issued_period, setup_sepa, sign


def pes_export(capsys):
    call_command("export_invoices", "--caisse", "cde11", "--period", "2027-03", "--format", "pes")
    return capsys.readouterr().out.encode()


def test_the_pes_export_carries_one_infoprelevementsepa_block_per_debited_invoice(
    cde11, household_a, parent_a, household_b, capsys
):
    ready_for_pes(cde11)
    setup_sepa(cde11, route="pes")
    mandate = sign(household_a, parent_a)
    period, (debited, other) = issued_period(cde11, [household_a, household_b])
    complete_debtors(cde11)
    before = assert_official(pes_export(capsys))  # planned debits already travel with the invoices
    batch_generate(caisse=cde11, period=period)
    document = assert_official(pes_export(capsys))
    pieces = {piece.find("BlocPiece/IdPce").get("V"): piece for piece in document.iter("Piece")}
    block = pieces[str(debited.number)].find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA")
    assert block.find("NatPrel").get("V") == "01"
    assert block.find("SequencePres").get("V") == "02"  # FRST
    assert block.find("RefUniMdt").get("V") == mandate.reference
    assert block.find("MtPrel").get("V") == "42.00"
    account = pieces[str(debited.number)].find("LigneDePiece/Tiers/CpteBancaire")
    assert account.find("IBAN").get("V") == PARENT_IBAN and account.find("BIC").get("V") == "PSSTFRPP"
    assert pieces[str(other.number)].find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA") is None
    assert len(list(before.iter("InfoPrelevementSEPA"))) == 1
    assert not DebitBatch.objects.get().content  # PES route: no pain.008 file


def test_sepa_batch_writes_the_same_bytes_as_the_screen(cde11, household_a, parent_a, tmp_path, capsys):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    issued_period(cde11, [household_a])
    output = tmp_path / "lot.xml"
    call_command("sepa_batch", "--caisse", "cde11", "--period", "2027-03", "--output", str(output))
    batch = DebitBatch.objects.get()
    assert output.read_bytes() == batch_file(batch)
    call_command(
        "sepa_batch",
        "--caisse",
        "cde11",
        "--period",
        "2027-03",
        "--format",
        "pain.008.001.08",
        "--output",
        str(output),
    )
    pain008.validate(output.read_bytes(), "pain.008.001.08")
    assert DebitBatch.objects.count() == 1


def test_sepa_batch_refuses_a_period_not_issued_or_a_caisse_without_ics(
    cde11, household_a, parent_a, tmp_path
):
    output = tmp_path / "lot.xml"
    issued_period(cde11, [household_a], month=1)
    with pytest.raises(CommandError, match="ICS"):
        call_command("sepa_batch", "--caisse", "cde11", "--period", "2027-01", "--output", str(output))
    setup_sepa(cde11)
    from tests.billing.factories import BillingPeriodFactory

    BillingPeriodFactory(caisse=cde11)  # March 2027, never billed
    with pytest.raises(CommandError, match="ne sont pas émises"):
        call_command("sepa_batch", "--caisse", "cde11", "--period", "2027-03", "--output", str(output))
    assert not output.exists()


def test_sepa_returns_prints_one_line_per_debit(
    cde11, household_a, parent_a, household_b, parent_b, tmp_path, capsys
):
    setup_sepa(cde11)
    sign(household_a, parent_a)
    sign(household_b, parent_b)
    period, (invoice_a, invoice_b) = issued_period(cde11, [household_a, household_b])
    debit_a, debit_b = batch_generate(caisse=cde11, period=period).debits.order_by("pk")
    returned = tmp_path / "retour.xml"
    returned.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><OrgnlPmtInfAndSts>'
        f"<TxInfAndSts><OrgnlEndToEndId>{debit_a.end_to_end_id}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        "<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>"
        f"<TxInfAndSts><OrgnlEndToEndId>{debit_b.end_to_end_id}</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>"
        "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    )
    call_command("sepa_returns", "--caisse", "cde11", str(returned))
    assert capsys.readouterr().out.splitlines() == [
        f"{invoice_a.number};AC04;rejected",
        f"{invoice_b.number};;accepted",
    ]
    returned.write_text("<nope/>")
    with pytest.raises(CommandError, match="pain.002"):
        call_command("sepa_returns", "--caisse", "cde11", str(returned))
