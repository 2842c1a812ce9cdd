"""manage.py service_key_letters --caisse cde11 --output letters.pdf"""

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.households.letters import service_key_letters_pdf


class Command(BaseCommand):
    help = "Produit un PDF avec une lettre par foyer importé : nom, adresse, clé Enfance, adresse du portail."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--all", action="store_true", help="aussi les foyers dont la clé a déjà servi")

    def handle(self, *args, caisse, output, all, **options):
        try:
            target = Caisse.objects.get(slug=caisse)
        except Caisse.DoesNotExist as error:
            raise CommandError(f"Caisse inconnue : {caisse}") from error
        pdf, count = service_key_letters_pdf(caisse=target, include_used=all)
        with open(output, "wb") as handle:
            handle.write(pdf)
        self.stdout.write(self.style.SUCCESS(f"{count} lettre(s) écrite(s) dans {output}."))
