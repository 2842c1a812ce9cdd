"""Invoices and credit notes as PDF (WeasyPrint, from a Django template).

The stylesheet (resources/invoice_pdf.css) is parsed and the fonts are looked up once per process
and thread, then reused by every PDF: a render costs the layout of the invoice only.
"""

import threading
from pathlib import Path

from django.template.loader import render_to_string

from refectoire.billing.selectors import invoice_detail_context

STYLESHEET = Path(__file__).resolve().parent / "resources" / "invoice_pdf.css"

_tools = threading.local()


def _weasyprint():
    """(HTML class, parsed stylesheet, font configuration) of this thread, made on first use."""
    if getattr(_tools, "html", None) is None:
        # reason: loads native libraries (pango) for PDFs only, not every process
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration  # reason: same

        fonts = FontConfiguration()
        _tools.stylesheet = CSS(string=STYLESHEET.read_text(), font_config=fonts)
        _tools.fonts = fonts
        _tools.html = HTML
    return _tools.html, _tools.stylesheet, _tools.fonts


def invoice_pdf(invoice) -> bytes:
    html_class, stylesheet, fonts = _weasyprint()
    html = render_to_string("billing/invoice_pdf.html", invoice_detail_context(invoice))
    return html_class(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts)
