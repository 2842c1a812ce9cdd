from django.apps import AppConfig


class StaysConfig(AppConfig):
    name = "refectoire.stays"
    label = "stays"
