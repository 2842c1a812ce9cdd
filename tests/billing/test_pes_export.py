"""PES V2 ORMC exports checked against the official DGFiP schema set v5.11 (PES_V2/Rev0/PES_Aller.xsd)
and, field by field, against what that schema requires."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from refectoire.billing.exports import key_modulo_11, key_modulo_23, ormc_keys, pes_ormc
from refectoire.billing.services import credit_note_create
from tests.billing.pes import assert_official, official_schema, ready_for_pes
from tests.billing.test_pdf_and_exports import issued_period

pytestmark = pytest.mark.django_db


def export_period(capsys, slug="cde11", period="2027-03"):
    call_command("export_invoices", "--caisse", slug, "--period", period, "--format", "pes")
    return capsys.readouterr().out.encode()


def values(element, *tags):
    return [element.find(tag).get("V") for tag in tags]


def tags(element):
    return [child.tag for child in element]


def test_the_period_file_is_valid_against_the_official_schema_field_by_field(cde11, capsys):
    ready_for_pes(cde11)
    issued_period(cde11)
    document = assert_official(export_period(capsys))
    assert tags(document) == ["Enveloppe", "EnTetePES", "PES_RecetteAller"]
    assert values(document, "Enveloppe/Parametres/Version", "Enveloppe/Parametres/TypFic") == ["2", "PESORMC"]
    assert tags(document.find("Enveloppe/Emetteur")) == ["Sigle", "Adresse"]
    header = document.find("EnTetePES")
    assert tags(header) == ["DteStr", "IdPost", "LibellePoste", "IdColl", "CodCol", "CodBud", "LibelleColBud"]
    assert values(header, "IdPost", "IdColl", "CodCol", "CodBud") == ["075011", "26751105900011", "311", "01"]
    assert header.find("DteStr").get("V") == timezone.localdate().isoformat()
    bordereaux = document.findall("PES_RecetteAller/Bordereau")
    assert len(bordereaux) == 1  # no credit note: no bordereau of reductions
    bloc = bordereaux[0].find("BlocBordereau")
    assert values(bloc, "Exer", "IdBord", "TypBord", "NbrPce", "MtBordHt") == [
        "2027",
        "202703",
        "06",
        "2",
        "84.00",
    ]
    pieces = bordereaux[0].findall("Piece")
    assert [piece.find("BlocPiece/IdPce").get("V") for piece in pieces] == ["40945", "40946"]
    bloc_piece = pieces[0].find("BlocPiece")
    assert values(bloc_piece, "TypPce", "NatPce", "NumDette", "Per") == ["15", "01", "40945", "1"]
    assert values(bloc_piece, "Cle1", "Cle2") == list(
        ormc_keys(cod_col="311", nat_pce="01", exer=2027, per="1", debt_number=40945)
    )
    line = pieces[0].find("LigneDePiece")
    assert tags(line) == ["BlocLignePiece", "Tiers"]
    assert tags(line.find("BlocLignePiece")) == ["InfoLignePiece"]
    info = line.find("BlocLignePiece/InfoLignePiece")
    assert tags(info)[0] == "IdLigne"
    assert values(info, "IdLigne", "CodProdLoc", "Nature", "Fonction", "Majo", "TvaIntraCom", "MtHT") == [
        "1",
        "REST",
        "7067",
        "251",
        "0",
        "0",
        "42.00",
    ]
    tiers = line.find("Tiers")
    assert tags(tiers) == ["InfoTiers", "Adresse"]
    assert tags(tiers.find("InfoTiers")) == [
        "RefTiers",
        "CatTiers",
        "NatJur",
        "TypTiers",
        "Civilite",
        "Nom",
        "Prenom",
    ]
    assert values(tiers.find("InfoTiers"), "RefTiers", "TypTiers", "Civilite", "Nom", "Prenom") == [
        "F100",
        "01",
        "MME",
        "LOVINFOSSE",
        "ALLISON",
    ]
    assert values(tiers.find("Adresse"), "TypAdr", "Adr2", "CP", "Ville", "CodRes") == [
        "1",
        "12 RUE DE LA ROQUETTE",
        "75011",
        "PARIS",
        "0",
    ]


def test_the_official_schema_refuses_what_the_earlier_export_wrote(cde11):
    """The checks bite: the faults the accountant's validator found are refused by the kept schema."""
    from lxml import etree

    ready_for_pes(cde11)
    period, _invoice = issued_period(cde11)
    good = pes_ormc(caisse=cde11, period=period)

    def zero_codcol(document):
        document.find("EnTetePES/CodCol").set("V", "000")

    def bare_adr2(document):
        emetteur = document.find("Enveloppe/Emetteur")
        emetteur.remove(emetteur.find("Adresse"))
        etree.SubElement(emetteur, "Adr2").set("V", "Caisse des écoles")

    def line_without_its_bloc(document):
        line = document.find(".//LigneDePiece")
        bloc = line.find("BlocLignePiece")
        line.replace(bloc, bloc.find("InfoLignePiece"))

    def tiers_without_type(document):
        info = document.find(".//InfoTiers")
        info.remove(info.find("TypTiers"))

    def unknown_piece_type(document):
        document.find(".//BlocPiece/TypPce").set("V", "99")

    assert official_schema().validate(etree.fromstring(good))
    for fault in (zero_codcol, bare_adr2, line_without_its_bloc, tiers_without_type, unknown_piece_type):
        document = etree.fromstring(good)
        fault(document)
        assert not official_schema().validate(document), fault.__name__


def test_the_export_is_refused_while_an_identifier_is_missing_and_never_writes_zeros(cde11, capsys):
    period, _invoice = issued_period(cde11)
    with pytest.raises(CommandError) as refused:
        export_period(capsys)
    message = str(refused.value)
    assert message.startswith("Export PES impossible : renseignez d'abord dans le profil de la Caisse")
    for label in (
        "codique du poste comptable",
        "SIRET",
        "code collectivité",
        "code budget",
        "code produit local",
    ):
        assert label in message
    assert capsys.readouterr().out == ""
    ready_for_pes(cde11, pes_cod_bud="")
    with pytest.raises(ValidationError, match=r"\(code budget\)"):
        pes_ormc(caisse=cde11, period=period)


def test_a_debtor_without_address_is_named_instead_of_a_made_up_address(cde11):
    ready_for_pes(cde11)
    period, invoice = issued_period(cde11)
    invoice.household.guardians.update(postcode="", street_name="", street_number="")
    with pytest.raises(ValidationError) as refused:
        pes_ormc(caisse=cde11, period=period)
    assert f"facture {invoice.number} (Allison LOVINFOSSE) : adresse, code postal à 5 chiffres" in str(
        refused.value
    )


def test_credit_notes_go_as_reductions_of_the_invoice_they_correct(cde11, capsys):
    ready_for_pes(cde11)
    period, invoice = issued_period(cde11)
    note = credit_note_create(
        invoice=invoice, reason="Grève du 12/03", lines=[("Repas non servi", Decimal("3.50"))]
    )
    document = assert_official(export_period(capsys))
    titles, reductions = document.findall("PES_RecetteAller/Bordereau")
    assert values(titles.find("BlocBordereau"), "TypBord", "NbrPce", "MtBordHt") == ["06", "2", "84.00"]
    assert values(reductions.find("BlocBordereau"), "Exer", "IdBord", "TypBord", "NbrPce", "MtBordHt") == [
        "2027",
        "202703",
        "02",
        "1",
        "3.50",
    ]
    piece = reductions.find("Piece")
    assert values(piece.find("BlocPiece"), "IdPce", "TypPce", "NatPce") == [str(note.number), "02", "06"]
    assert piece.find("BlocPiece/NumDette") is None  # ORMC-only fields stay on the titles
    assert tags(piece.find("LigneDePiece/BlocLignePiece")) == ["InfoLignePiece", "RattachPiece"]
    assert values(piece.find("LigneDePiece/BlocLignePiece/InfoLignePiece"), "MtHT") == ["3.50"]
    assert values(
        piece.find("LigneDePiece/BlocLignePiece/RattachPiece"),
        "NatPceOrig",
        "ExerRat",
        "IdPceOrig",
        "IdLigneOrig",
    ) == ["01", "2027", str(invoice.number), "1"]


def test_nothing_to_send_is_said_rather_than_an_empty_bordereau(cde11):
    from tests.billing.factories import BillingPeriodFactory

    ready_for_pes(cde11)
    with pytest.raises(ValidationError, match="aucune facture ni aucun avoir"):
        pes_ormc(caisse=cde11, period=BillingPeriodFactory(caisse=cde11))


def test_a_stay_export_keeps_to_one_exercise(cde11):
    from refectoire.billing.exports import pes_ormc_stays

    ready_for_pes(cde11)
    with pytest.raises(ValidationError, match="un seul exercice"):
        pes_ormc_stays(
            caisse=cde11, first_day=datetime.date(2026, 12, 1), last_day=datetime.date(2027, 1, 31)
        )


def test_the_check_keys_worked_by_hand():
    # 311 01 27 1 0000000040945, from the right with weights 2, 3, 4, 5, 6, 7, 2…:
    # 5·2 + 4·3 + 9·4 + 4·6 + 1·3 + 7·4 + 2·5 + 1·6 + 1·2 + 1·3 + 3·4 = 146; 146 % 11 = 3, key 11 - 3 = 8.
    assert key_modulo_11("311", "01", "27", "1", "0000000040945") == "8"
    # 27 1 00 0000000040945 = 271000000000040945 = 23 · 11782608695653954 + 3: remainder 3, letter D.
    assert 23 * 11782608695653954 + 3 == 271000000000040945
    assert key_modulo_23("27", "1", "00", "0000000040945") == "D"
    assert ormc_keys(cod_col="311", nat_pce="01", exer=2027, per="1", debt_number=40945) == ("8", "D")
    # A key of 10 or 11 is written 0: 0000 has sum 0 (11); 5 weighs 2: sum 10, 11 - 10 = 1; 1 → 2·1 = 2 → 9.
    assert [key_modulo_11("0"), key_modulo_11("5"), key_modulo_11("1")] == ["0", "1", "9"]
    assert key_modulo_23("0") == "A" and key_modulo_23("22") == "Y"
