import datetime
import logging
import os

from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from refectoire.core.uploads import PDF_OR_IMAGE, inspect_upload
from refectoire.documents.models import Document, DocumentDeletion, RetentionPolicy
from refectoire.documents.selectors import retention_days

logger = logging.getLogger(__name__)


class _WrittenFile:
    """A file written inside a transaction; called on commit, it is forgotten (kept for good)."""

    def __init__(self, storage, name: str, written: list):
        self.storage, self.name, self.written = storage, name, written

    def __call__(self):
        if self in self.written:
            self.written.remove(self)


def _written_files(using: str) -> list:
    """Files written in the open transactions of this thread's connection, not yet committed."""
    connection = transaction.get_connection(using)
    if not hasattr(connection, "refectoire_written_files"):
        connection.refectoire_written_files = []
    return connection.refectoire_written_files


def files_remove_rolled_back(using: str = DEFAULT_DB_ALIAS, **_signal) -> int:
    """Delete the files whose transaction was rolled back; return how many.

    A file is written inside the transaction that saves its Document, with an on-commit callback
    that forgets it once committed. A rollback (of the transaction or of its savepoint) discards
    that callback: a file whose callback is neither run nor pending is an orphan. Run at the end
    of every request and task, and by each store, so that a rollback leaves no file behind.
    """
    written = _written_files(using)
    if not written:
        return 0
    pending = {id(callback) for _sids, callback, _robust in transaction.get_connection(using).run_on_commit}
    orphans = [entry for entry in written if id(entry) not in pending]
    for entry in orphans:
        written.remove(entry)
        entry.storage.delete(entry.name)
    return len(orphans)


def file_save_in_transaction(*, field_file, name: str, content: bytes, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write `content` to `field_file` so that a rollback of the current transaction removes it."""
    field_file.save(name, ContentFile(content), save=False)
    written = _written_files(using)
    entry = _WrittenFile(field_file.storage, field_file.name, written)
    written.append(entry)
    transaction.on_commit(entry, using=using)


@transaction.atomic
def document_store(
    *, caisse, household, uploaded_file, kind, uploaded_by=None, allowed=PDF_OR_IMAGE
) -> Document:
    """Check `uploaded_file` by its content, then store it privately as a Document of `household`.

    Raises ValidationError (in French) and stores nothing when the file is refused; a rollback of
    the caller's transaction removes the file too (files_remove_rolled_back).
    """
    if household is not None and household.caisse_id != caisse.pk:
        raise ValueError("household of another Caisse")
    files_remove_rolled_back()
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
    file_save_in_transaction(
        field_file=document.file, name=f"upload.{checked.extension}", content=checked.content
    )
    document.save()
    return document


@transaction.atomic
def retention_policy_set(*, caisse, closed_request_days: int) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(caisse=caisse)
    policy.closed_request_days = closed_request_days
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def documents_schedule_retention(*, documents, caisse, closed_on: datetime.date) -> int:
    """These documents (of a closed request) are kept `retention_days` after `closed_on`, then purged.

    The caller leaves out the documents still needed (requests: those attached to an open request),
    which keep no end date; documents know nothing of requests.
    """
    until = closed_on + datetime.timedelta(days=retention_days(caisse))
    count = 0
    for document in documents:
        if document.caisse_id != caisse.pk:
            raise ValueError("document of another Caisse")
        document.retain_until = max(until, document.retain_until or until)
        document.save(update_fields=["retain_until", "updated_at"])
        count += 1
    return count


def document_delete_expired(*, document: Document, reason: str) -> DocumentDeletion:
    """Delete the file of `document` (the row stays, marked deleted) and log it."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.deleted_at:
            return document.deletions.first()
        deletion = DocumentDeletion.objects.create(
            document=document,
            caisse=document.caisse,
            reason=reason,
            original_name=document.original_name,
            sha256=document.sha256,
        )
        name = document.file.name
        document.deleted_at = timezone.now()
        document.save(update_fields=["deleted_at", "updated_at"])
        transaction.on_commit(lambda: document.file.storage.delete(name))
    logger.info("document %s deleted (%s)", document.uuid, reason)
    return deletion
