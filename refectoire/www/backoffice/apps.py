from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "refectoire.www.backoffice"
    label = "www_backoffice"
