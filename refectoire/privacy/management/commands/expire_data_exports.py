from django.core.management.base import BaseCommand

from refectoire.privacy.services import data_exports_expire


class Command(BaseCommand):
    help = "Supprime les fichiers « Mes données » téléchargés ou de plus de 7 jours (à lancer chaque heure)."

    def handle(self, *args, **options):
        count = data_exports_expire()
        self.stdout.write(f"{count} export(s) de données supprimé(s).")
