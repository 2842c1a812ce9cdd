from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.schools.services import schools_import_csv


class Command(BaseCommand):
    help = "Import the schools of a Caisse from CSV school_code;name;kind;address;weekdays (updates by code)."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("file")

    def handle(self, *args, caisse, file, **options):
        try:
            caisse = Caisse.objects.get(slug=caisse)
        except Caisse.DoesNotExist as error:
            raise CommandError(f"Caisse inconnue : {caisse}") from error
        with open(file, encoding="utf-8") as handle:
            report = schools_import_csv(caisse=caisse, text=handle.read())
        if not report.ok:
            for line, message in report.errors:
                self.stderr.write(f"ligne {line} : {message}")
            raise CommandError("Aucun établissement importé.")
        self.stdout.write(f"{report.created} établissement(s) créé(s), {report.updated} mis à jour.")
