"""`manage.py import_menus --caisse X FILE.csv`: import menus (docs/formats-menus.md), all or nothing."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.menus.services import menus_import


class Command(BaseCommand):
    help = "Importe un fichier de menus (docs/formats-menus.md) : tout ou rien, erreurs par numéro de ligne."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant (slug) de la Caisse")
        parser.add_argument("--publish", action="store_true", help="publier les semaines importées")
        parser.add_argument("file")

    def handle(self, *args, caisse, file, publish, **options):
        found = Caisse.objects.filter(slug=caisse).first()
        if found is None:
            raise CommandError(f"Caisse inconnue : {caisse}")
        try:
            with open(file, encoding="utf-8") as handle:
                content = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Fichier illisible ({file}) : {error}") from error
        try:
            counts = menus_import(caisse=found, content=content, publish=publish)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError("Aucun menu importé : corrigez le fichier.") from error
        self.stdout.write(
            f"{counts['dishes']} plats importés ({counts['days']} jours, {counts['weeks']} semaines)."
        )
