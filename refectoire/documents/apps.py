from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "refectoire.documents"
    label = "documents"
