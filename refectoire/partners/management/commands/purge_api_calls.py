from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.partners.services import api_calls_purge


class Command(BaseCommand):
    help = (
        "Supprime du journal des appels de l'API les appels plus anciens que la durée de conservation "
        "(REFECTOIRE_API_CALL_RETENTION_DAYS, 90 jours par défaut), toutes Caisses (à lancer chaque nuit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="durée de conservation en jours, au lieu du réglage"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="compte les appels à supprimer, sans rien supprimer"
        )

    def handle(self, *args, days, dry_run, **options):
        days = settings.API_CALL_RETENTION_DAYS if days is None else days
        try:
            number = api_calls_purge(days=days, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        verb = "à supprimer (essai : rien n’est changé)" if dry_run else "supprimé(s)"
        self.stdout.write(f"api_calls\t{number}\tappel(s) de plus de {days} jours {verb}")
