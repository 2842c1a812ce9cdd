"""Invoices and credit notes (with their lines) and the credits of meals given back.

Accounting records are kept: numbers, dates, amounts, meals and prices never change. Anonymising
scrubs the household's names out of the labels and reasons (an invoice line « Séjour — Léa »), and
erases the quotient copied on the lines. The invoices' PDFs are made again for the export, never
stored.
"""

from refectoire.billing.models import Invoice, InvoiceEvent, InvoiceLine
from refectoire.core.personal_data import jsonable, row, scrub, scrub_rows

SECTION = "invoices"


def _invoices(household):
    return Invoice.objects.filter(caisse_id=household.caisse_id, household=household).exclude(state="draft")


def export_household(household) -> list:
    invoices = _invoices(household).prefetch_related("lines").order_by("issued_at", "pk")
    return [
        {
            **row(i, "uuid", "kind", "state", "number", "label", "total", "amount_paid", "amount_credited"),
            **row(i, "issued_at", "due_date", "reason"),
            "credited_invoice": jsonable(i.credited_invoice.uuid) if i.credited_invoice_id else None,
            "pdf_in_zip": _zip_name(i),
            "lines": [
                row(
                    line,
                    "kind",
                    "label",
                    "meals",
                    "unit_price",
                    "amount",
                    "days",
                    "bracket_number",
                    "family_quotient",
                )
                for line in i.lines.all()
            ],
        }
        for i in invoices
    ]


def _zip_name(invoice) -> str:
    kind = "avoir" if invoice.kind == "credit_note" else "facture"
    return f"factures/{kind}-{invoice.number or invoice.uuid}.pdf"


class _Pdf:
    """An invoice's PDF, made when the ZIP is written (WeasyPrint is loaded only then)."""

    def __init__(self, invoice):
        self.invoice = invoice

    def read(self) -> bytes:
        # reason: WeasyPrint is heavy; only the worker that writes an export loads it
        from refectoire.billing.pdf import invoice_pdf

        return invoice_pdf(self.invoice)


def files_of_household(household) -> list:
    return [(_zip_name(i), _Pdf(i)) for i in _invoices(household).filter(number__isnull=False)]


def anonymise_household(household) -> dict[str, int]:
    invoices = Invoice.objects.filter(caisse_id=household.caisse_id, household=household)
    count = scrub_rows(invoices, "label", "reason")
    lines = 0
    for line in InvoiceLine.objects.filter(invoice__in=invoices):
        label = scrub(line.label)
        if label != line.label or line.family_quotient is not None:
            InvoiceLine.objects.filter(pk=line.pk).update(label=label, family_quotient=None)
            lines += 1
    for event in InvoiceEvent.objects.filter(invoice__in=invoices).exclude(message=""):
        InvoiceEvent.objects.filter(pk=event.pk).update(message=scrub(event.message))
    return {"invoices": count, "invoice_lines": lines}
