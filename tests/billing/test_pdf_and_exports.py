import io
from decimal import Decimal

import pypdf
from django.core.management import call_command

from refectoire.billing.models import InvoiceLine
from refectoire.billing.pdf import invoice_pdf
from refectoire.payments.services import payment_record
from tests.billing.factories import BillingPeriodFactory, GuardianFactory, InvoiceFactory
from tests.factories import HouseholdFactory


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def issued_period(cde11):
    period = BillingPeriodFactory(caisse=cde11)
    invoices = []
    for number, reference in ((40946, "F200"), (40945, "F100")):
        household = HouseholdFactory(caisse=cde11, reference=reference)
        GuardianFactory(household=household, last_name="Lovinfosse", first_name="Allison")
        invoices.append(
            InvoiceFactory(
                caisse=cde11,
                household=household,
                period=period,
                issued=True,
                number=number,
                total=Decimal("42.00"),
            )
        )
    first = invoices[1]
    line = first.lines.get()
    line.amount = Decimal("45.50")
    line.meals = 13
    line.save()
    InvoiceLine.objects.create(
        invoice=first,
        position=1,
        kind="credit",
        label="Remboursement maladie",
        amount=Decimal("-3.50"),
        credit_id=9,
    )
    return period, first


def test_the_pdf_shows_caisse_household_lines_total_payments_and_payfip_reference(cde11):
    cde11.postal_address = "12 place Léon Blum, 75011 Paris"
    cde11.save()
    _period, invoice = issued_period(cde11)
    payment_record(
        caisse=cde11,
        household=invoice.household,
        method="cheque",
        amount=Decimal("10.00"),
        paid_on="2026-11-03",
        reference="CHQ 1234567",
        invoices=[invoice],
    )
    invoice.refresh_from_db()
    text = pdf_text(invoice_pdf(invoice))
    for expected in (
        "Caisse des écoles Paris 11e",
        "12 place Léon Blum, 75011 Paris",
        "Allison LOVINFOSSE",
        "Restauration 40945 - Mars / Avril 2027",
        "tarif 4 — quotient familial 1100 €",
        "Remboursement maladie",
        "-3,50\xa0€",
        "Total",
        "42,00\xa0€",
        "chèque (CHQ 1234567)",
        "Reste à payer : 32,00\xa0€",
        "référence PayFIP : 40945",
        "Jours facturés : 01/03",
    ):
        assert expected in text, expected


def test_export_invoices_prints_a_row_per_line_in_number_order(cde11, capsys):
    issued_period(cde11)
    call_command("export_invoices", "--caisse", "cde11", "--period", "2027-03")
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "invoice_number;household_ref;child_ref;meals;unit_price;amount;invoice_total;state"
    assert [row.split(";")[0] for row in rows[1:]] == ["40945", "40945", "40946"]
    meal_row, credit_row = rows[1].split(";"), rows[2].split(";")
    assert (
        meal_row[1] == "F100"
        and meal_row[2].startswith("E")
        and meal_row[3:7] == ["13", "3.50", "45.50", "42.00"]
    )
    assert credit_row[2] == "" and credit_row[5] == "-3.50"
    assert meal_row[7] in ("to_pay", "late")


def test_a_credit_note_has_its_pdf(cde11):
    from refectoire.billing.services import credit_note_create

    _period, invoice = issued_period(cde11)
    note = credit_note_create(
        invoice=invoice, reason="Grève du 12/03", lines=[("Repas non servi", Decimal("3.50"))]
    )
    text = pdf_text(invoice_pdf(note))
    assert f"Avoir {note.number} - Mars / Avril 2027" in text
    assert "Avoir sur la facture 40945 — motif : Grève du 12/03" in text
    assert "Repas non servi" in text and "-3,50\xa0€" in text
