from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refectoire.core"
    label = "core"
    verbose_name = "Réfectoire"
