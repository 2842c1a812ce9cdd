from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.directdebit.services import returns_import


class Command(BaseCommand):
    help = (
        "Importe le fichier de retour de la banque (pain.002 ou avis camt.054.001.02), en entier ou pas du tout, et écrit une ligne "
        "par prélèvement : invoice_number;reason_code;result."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("file", help="le compte rendu pain.002 ou l'avis camt.054 (XML)")

    def handle(self, *args, caisse, file, **options):
        slug = caisse
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            raise CommandError(f"Caisse inconnue : {slug}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            rows = returns_import(caisse=caisse, content=path.read_bytes())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for number, code, result in rows:
            self.stdout.write(f"{number};{code};{result}")
