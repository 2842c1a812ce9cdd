from django.apps import AppConfig


class CaissesConfig(AppConfig):
    name = "refectoire.caisses"
    label = "caisses"
    verbose_name = "Caisses des écoles"
