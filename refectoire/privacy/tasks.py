"""The tasks privacy's services enqueue on commit (below the services: never imports them)."""

from django_tasks import task

from refectoire.privacy.exports import data_export_build
from refectoire.privacy.models import DataExport


@task()
def data_export_build_task(export_id: int) -> str:
    return data_export_build(export=DataExport.objects.get(pk=export_id)).state
