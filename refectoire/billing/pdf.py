"""Invoices and credit notes as PDF (WeasyPrint, from a Django template)."""

from django.template.loader import render_to_string

from refectoire.billing.selectors import invoice_detail_context


def invoice_pdf(invoice) -> bytes:
    from weasyprint import HTML  # reason: loads native libraries (pango) for PDFs only, not every process

    html = render_to_string("billing/invoice_pdf.html", invoice_detail_context(invoice))
    return HTML(string=html).write_pdf()
