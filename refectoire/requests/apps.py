from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "refectoire.requests"
    label = "requests"
