from django.core.management.base import BaseCommand

from refectoire.stays.services import stay_places_expire


class Command(BaseCommand):
    help = (
        "Rend à la liste d'attente les places de séjour non confirmées dans le délai (à lancer chaque heure)."
    )

    def handle(self, *args, **options):
        expired = stay_places_expire()
        self.stdout.write(f"{len(expired)} place(s) non confirmée(s) rendue(s) à la liste d'attente.")
