from django.apps import AppConfig
from django.core.signals import request_finished
from django_tasks.signals import task_finished


class DocumentsConfig(AppConfig):
    name = "refectoire.documents"
    label = "documents"

    def ready(self):
        # reason: services import models, importable only once the app registry is ready
        from refectoire.documents.services import files_remove_rolled_back

        # A file written in a transaction rolled back during the request is removed at its end.
        request_finished.connect(files_remove_rolled_back, dispatch_uid="documents_files_remove_rolled_back")
        task_finished.connect(files_remove_rolled_back, dispatch_uid="documents_files_remove_rolled_back")
