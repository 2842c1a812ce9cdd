"""Stay invoices in the accounting exports: by issue date, CSV and PES V2, apart from the periods."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from lxml import etree

from refectoire.billing.stays import stay_invoice_issue
from refectoire.stays.services import stay_choice_withdraw
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory
from tests.billing.stays import confirmed_place, priced_caisse, winter_stay
from tests.billing.test_pdf_and_exports import XSD

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@pytest.fixture
def stay_invoices(cde19, cde11):
    """June 2027: two stay invoices (one cancelled by a credit note); one in May; a period's invoice."""
    priced_caisse(cde19)
    priced_caisse(cde11)
    june = datetime.date(2027, 6, 10)
    first = confirmed_place(cde19)
    kept = stay_invoice_issue(choice=first, now=at(june))
    second = confirmed_place(cde19, stay=winter_stay(cde19, fixed_price=Decimal("120.00"), title="Poney"))
    cancelled = stay_invoice_issue(choice=second, now=at(june))
    stay_choice_withdraw(choice=second, actor=None, reason="Désistement")
    may = stay_invoice_issue(choice=confirmed_place(cde19), now=at(datetime.date(2027, 5, 31)))
    stay_invoice_issue(choice=confirmed_place(cde11), now=at(june))  # another Caisse
    period = BillingPeriodFactory(
        caisse=cde19, start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 30)
    )
    meals = InvoiceFactory(caisse=cde19, period=period, issued=True, number=40000)
    return kept, cancelled, may, meals


def export(capsys, *args):
    call_command("export_invoices", "--caisse", "cde19", *args)
    return capsys.readouterr().out


def test_the_csv_of_stay_invoices_lists_those_issued_between_the_dates(capsys, stay_invoices):
    kept, cancelled, _may, _meals = stay_invoices
    note = cancelled.credit_notes.get()
    out = export(capsys, "--issued-from", "2027-06-01", "--issued-to", "2027-06-30")
    lines = out.splitlines()
    assert lines[0] == "invoice_number;household_ref;child_ref;meals;unit_price;amount;invoice_total;state"
    child = kept.lines.get().child
    assert lines[1:] == [
        f"{kept.number};{kept.household.reference};{child.reference};0;300.00;300.00;300.00;to_pay",
        f"{cancelled.number};{cancelled.household.reference};{cancelled.lines.get().child.reference};"
        "0;120.00;120.00;120.00;cancelled",
    ]
    # The credit note is dated the day the place was cancelled (today): it is in that day's export.
    today = timezone.localdate().isoformat()
    lines = export(capsys, "--issued-from", today, "--issued-to", today).splitlines()
    assert lines[1:] == [f"{note.number};{note.household.reference};;0;0.00;-120.00;-120.00;paid"]


def test_the_period_export_is_unchanged_by_stay_invoices(capsys, stay_invoices):
    *_rest, meals = stay_invoices
    lines = export(capsys, "--period", "2027-06").splitlines()
    assert [line.split(";")[0] for line in lines[1:]] == [str(meals.number)]


def test_the_pes_of_stay_invoices_is_a_valid_ormc_bordereau_of_what_is_due(capsys, stay_invoices):
    kept, *_rest = stay_invoices
    xml = export(capsys, "--issued-from", "2027-06-01", "--issued-to", "2027-06-30", "--format", "pes")
    document = etree.fromstring(xml.encode())
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(document)
    assert (
        document.find("Enveloppe/Parametres/NomFic").get("V") == "PESORMC_cde19_sejours_2027-06-01_2027-06-30"
    )
    bloc = document.find("PES_RecetteAller/Bordereau/BlocBordereau")
    assert (bloc.find("IdBord").get("V"), bloc.find("NbrPce").get("V"), bloc.find("MtBordHt").get("V")) == (
        "20270601",
        "1",
        "300.00",
    )
    piece = document.find("PES_RecetteAller/Bordereau/Piece/BlocPiece")
    assert piece.find("IdPce").get("V") == str(kept.number)
    assert piece.find("Per").get("V") == "6"
    assert (
        piece.find("ObjPce").get("V")
        == f"Facture {kept.number} Séjour Classe de neige — {kept.lines.get().child.first_name}"
    )


def test_the_dates_are_checked(capsys, cde19):
    with pytest.raises(CommandError, match="pas les deux"):
        export(capsys, "--period", "2027-06", "--issued-from", "2027-06-01", "--issued-to", "2027-06-30")
    with pytest.raises(CommandError, match="Indiquez"):
        export(capsys, "--issued-from", "2027-06-01")
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        export(capsys, "--issued-from", "01/06/2027", "--issued-to", "2027-06-30")
    with pytest.raises(CommandError, match="précède"):
        export(capsys, "--issued-from", "2027-06-30", "--issued-to", "2027-06-01")
