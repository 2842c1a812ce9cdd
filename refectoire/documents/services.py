import os

from django.db import transaction

from refectoire.documents.checks import PDF_OR_IMAGE, inspect_upload
from refectoire.documents.models import Document


@transaction.atomic
def document_store(
    *, caisse, household, uploaded_file, kind, uploaded_by=None, allowed=PDF_OR_IMAGE
) -> Document:
    """Check `uploaded_file` by its content, then store it privately as a Document of `household`.

    Raises ValidationError (in French) and stores nothing when the file is refused.
    """
    if household is not None and household.caisse_id != caisse.pk:
        raise ValueError("household of another Caisse")
    checked = inspect_upload(uploaded_file, allowed=allowed)
    name = os.path.basename(uploaded_file.name or "document")[:200]
    document = Document(
        caisse=caisse,
        household=household,
        kind=kind,
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=uploaded_by,
    )
    uploaded_file.seek(0)
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document
