from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "refectoire.schools"
    label = "schools"
