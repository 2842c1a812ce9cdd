"""The files the demo families attach: blank one-page PDFs standing for their scans."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def blank_pdf(name: str) -> SimpleUploadedFile:
    """A blank A4 page named `name`, as a parent's upload."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    content = io.BytesIO()
    writer.write(content)
    return SimpleUploadedFile(name, content.getvalue(), content_type="application/pdf")
