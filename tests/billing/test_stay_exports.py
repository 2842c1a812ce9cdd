"""Stay invoices in the accounting exports: by issue date, CSV and PES V2, apart from the periods."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from refectoire.stays.invoicing import stay_invoice_issue
from refectoire.stays.services import stay_choice_withdraw
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory
from tests.billing.pes import assert_official, complete_debtors, ready_for_pes
from tests.billing.stays import confirmed_place, priced_caisse, winter_stay

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


def test_the_pes_of_stay_invoices_is_a_valid_ormc_bordereau_of_what_was_titled(capsys, cde19, stay_invoices):
    kept, cancelled, *_rest = stay_invoices
    ready_for_pes(cde19)
    complete_debtors(cde19)
    xml = export(capsys, "--issued-from", "2027-06-01", "--issued-to", "2027-06-30", "--format", "pes")
    document = assert_official(xml)
    assert (
        document.find("Enveloppe/Parametres/NomFic").get("V") == "PESORMC_cde19_sejours_2027-06-01_2027-06-30"
    )
    bloc = document.find("PES_RecetteAller/Bordereau/BlocBordereau")
    # Both June invoices were titled; the credit note of the cancelled one, issued today, goes as a
    # reduction in the export of today's date.
    assert (bloc.find("IdBord").get("V"), bloc.find("NbrPce").get("V"), bloc.find("MtBordHt").get("V")) == (
        "601",
        "2",
        "420.00",
    )
    assert len(document.findall("PES_RecetteAller/Bordereau")) == 1
    piece = document.find("PES_RecetteAller/Bordereau/Piece/BlocPiece")
    assert piece.find("IdPce").get("V") == str(kept.number)
    assert piece.find("Per").get("V") == "1"
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


# The back office's « Exports comptables » screen ------------------------------------------


def screen_export(client, curl, caisse, **params):
    return client.get(curl(caisse, "backoffice:billing_exports"), params)


@pytest.mark.parametrize("fmt", ["csv", "pes"])
def test_an_agent_downloads_the_stay_invoices_file_the_command_writes(
    client, curl, capsys, cde19, agent_cde19, stay_invoices, fmt
):
    ready_for_pes(cde19)
    complete_debtors(cde19)
    client.force_login(agent_cde19)
    response = screen_export(client, curl, cde19, issued_from="2027-06-01", issued_to="2027-06-30", fmt=fmt)
    assert response.status_code == 200
    command = export(capsys, "--issued-from", "2027-06-01", "--issued-to", "2027-06-30", "--format", fmt)
    assert response.content.decode() == command
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == (
            'attachment; filename="factures-sejours-cde19-2027-06-01_2027-06-30.csv"'
        )
        kept, cancelled, may, meals = stay_invoices
        numbers = [line.split(";")[0] for line in command.splitlines()[1:]]
        assert numbers == [str(kept.number), str(cancelled.number)]  # not May's, not the period's
    else:
        assert response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == (
            'attachment; filename="PESORMC-cde19-sejours-2027-06-01_2027-06-30.xml"'
        )


def test_a_manager_exports_too_and_the_screen_offers_the_form_and_the_issued_periods(
    client, curl, cde19, manager_cde19, stay_invoices
):
    from refectoire.billing.enums import RunState
    from refectoire.billing.models import BillingRun

    *_rest, meals = stay_invoices
    BillingRun.objects.create(caisse=cde19, period=meals.period, state=RunState.ISSUED)
    client.force_login(manager_cde19)
    home = client.get(curl(cde19, "backoffice:billing_home")).content.decode()
    assert curl(cde19, "backoffice:billing_exports") in home
    page = screen_export(client, curl, cde19).content.decode()
    assert "Factures hors période (séjours)" in page
    assert 'name="issued_from"' in page and 'name="issued_to"' in page
    assert 'value="pes"' in page and 'value="csv"' in page
    assert curl(cde19, "backoffice:billing_export", period_uuid=meals.period.uuid, fmt="pes") in page
    response = screen_export(client, curl, cde19, issued_from="2027-05-01", issued_to="2027-05-31", fmt="csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(response.content.decode().splitlines()) == 2  # header and May's invoice


def test_wrong_dates_are_said_next_to_the_field_and_nothing_is_downloaded(client, curl, cde19, agent_cde19):
    client.force_login(agent_cde19)
    response = screen_export(client, curl, cde19, issued_from="2027-06-30", issued_to="2027-06-01", fmt="csv")
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert "La date de fin précède la date de début." in response.content.decode()
    response = screen_export(client, curl, cde19, issued_from="", issued_to="2027-06-01", fmt="csv")
    assert "Content-Disposition" not in response
    assert "Ce champ est obligatoire." in response.content.decode()


def test_each_caisse_exports_only_its_own_stay_invoices(client, curl, cde11, agent_cde11, stay_invoices):
    from refectoire.billing.models import Invoice

    client.force_login(agent_cde11)
    response = screen_export(client, curl, cde11, issued_from="2027-06-01", issued_to="2027-06-30", fmt="csv")
    rows = [line.split(";") for line in response.content.decode().splitlines()[1:]]
    [ours] = Invoice.objects.filter(caisse=cde11, period__isnull=True)
    assert [(int(row[0]), row[1]) for row in rows] == [(ours.number, ours.household.reference)]
    assert not {row[1] for row in rows} & {invoice.household.reference for invoice in stay_invoices}


@pytest.mark.parametrize("who", ["parent_a", "agent_cde11"])
def test_a_parent_and_an_agent_of_another_caisse_get_404(request, client, curl, cde19, who, stay_invoices):
    client.force_login(request.getfixturevalue(who))
    params = {"issued_from": "2027-06-01", "issued_to": "2027-06-30", "fmt": "csv"}
    assert screen_export(client, curl, cde19, **params).status_code == 404
    assert screen_export(client, curl, cde19).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, curl, cde19):
    response = screen_export(client, curl, cde19, issued_from="2027-06-01", issued_to="2027-06-30", fmt="csv")
    assert response.status_code == 302 and "/login/" in response["Location"]
