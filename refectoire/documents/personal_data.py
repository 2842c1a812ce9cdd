"""The household's uploaded documents: listed in the export, their files put in its ZIP.

Anonymising deletes every file once the transaction commits (a rollback keeps them) and erases the
uploaded names and fingerprints, in the rows, their history and the deletion log.
"""

from django.db import transaction
from django.utils import timezone

from refectoire.core.personal_data import anonymise_rows, row
from refectoire.documents.models import Document, DocumentDeletion

SECTION = "documents"

ANONYMOUS_NAME = "document"


def export_household(household) -> list:
    return [
        {
            **row(
                doc,
                "uuid",
                "kind",
                "original_name",
                "content_type",
                "size",
                "pages",
                "retain_until",
                "deleted_at",
            ),
            "sent_at": doc.created_at.isoformat(),
            "file_in_zip": _zip_name(doc) if not doc.deleted_at else None,
        }
        for doc in Document.objects.for_household(household).order_by("created_at")
    ]


def _zip_name(doc) -> str:
    return f"documents/{doc.uuid}-{doc.download_name}"


def files_of_household(household) -> list:
    return [(_zip_name(doc), doc.file) for doc in Document.objects.for_household(household).available()]


def anonymise_household(household) -> dict[str, int]:
    documents = Document.objects.for_household(household)
    names = [doc.file.name for doc in documents.available() if doc.file.name]
    storage = Document._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    documents.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())
    count = anonymise_rows(documents, original_name=ANONYMOUS_NAME, sha256="")
    DocumentDeletion.objects.filter(document__in=documents).update(original_name=ANONYMOUS_NAME, sha256="")
    return {"files": len(names), "documents": count}
