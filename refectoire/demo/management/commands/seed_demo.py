"""Load the demo data; running it again changes nothing that is already there.

The steps run in the order of `refectoire.demo.steps.STEPS`, in one transaction.
"""

from django.core.management.base import BaseCommand

from refectoire.demo.steps import seed_all


class Command(BaseCommand):
    help = "Charge les données de démonstration (Caisses cde11 et cde19, agents, familles)."

    def handle(self, *args, **options):
        seed_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
