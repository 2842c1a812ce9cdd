from django.apps import AppConfig

from refectoire.core import reference


class CaissesConfig(AppConfig):
    name = "refectoire.caisses"
    label = "caisses"
    verbose_name = "Caisses des écoles"

    def ready(self):
        reference.watch("caisses.Caisse", "caisses.AgentRole")  # core/reference.py: the pages' cache
