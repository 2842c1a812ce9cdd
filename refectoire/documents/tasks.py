from django.utils import timezone
from django_tasks import task

from refectoire.documents.models import Document
from refectoire.documents.services import document_delete_expired


@task()
def documents_purge_expired() -> int:
    """Delete the files whose retention ended (run daily by the worker or a cron); each is logged."""
    today = timezone.localdate()
    count = 0
    for document in Document.objects.available().filter(retain_until__lt=today).iterator():
        document_delete_expired(document=document, reason="Fin de la durée de conservation")
        count += 1
    return count
