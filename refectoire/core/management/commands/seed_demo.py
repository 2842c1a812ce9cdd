"""Load the demo data; running it again changes nothing that is already there.

Each app of Réfectoire may have a `demo` module with `seed(*, stdout)`: they run in the order
of INSTALLED_APPS, in one transaction.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Charge les données de démonstration (Caisses cde11 et cde19, agents, familles)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("refectoire."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
