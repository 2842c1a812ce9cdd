"""manage.py import_families --caisse cde11 FILE.csv [--dry-run] [--year 2026-2027]"""

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.households.importer import ImportRejected, import_families


class Command(BaseCommand):
    help = "Importe les familles connues d'une Caisse (CSV UTF-8, « ; », voir docs/formats.md). Tout ou rien."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse (cde11)")
        parser.add_argument("--dry-run", action="store_true", help="vérifie le fichier sans rien écrire")
        parser.add_argument(
            "--year", default="", help="année scolaire des colonnes d'inscription (2026-2027)"
        )

    def handle(self, *args, file, caisse, dry_run, year, **options):
        try:
            target = Caisse.objects.get(slug=caisse)
        except Caisse.DoesNotExist as error:
            raise CommandError(f"Caisse inconnue : {caisse}") from error
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {file} : {error}") from error
        try:
            report = import_families(caisse=target, content=content, dry_run=dry_run, options={"year": year})
        except ImportRejected as rejected:
            for error in rejected.report.errors:
                self.stderr.write(str(error))
            raise CommandError(rejected.report.summary()) from None
        prefix = "Essai à blanc : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
