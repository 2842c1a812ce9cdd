"""Serving a private document: the callers (portal and back office) check who may see it first."""

from django.http import FileResponse
from django.utils.http import content_disposition_header


def document_response(document) -> FileResponse:
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not document.is_inline, filename=document.download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response
