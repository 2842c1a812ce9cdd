import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.stays.models import HolidayStay
from refectoire.stays.services import stay_allocate


class Command(BaseCommand):
    help = (
        "Attribue les places d'un séjour (docs/stays-allocation.md) et affiche une ligne par enfant : "
        "child_ref;choice_rank;result;waiting_rank (docs/formats-stays.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse (cde19)")
        parser.add_argument("--stay", required=True, help="UUID du séjour")
        parser.add_argument(
            "--seed", type=int, default=None, help="graine du tirage au sort (au hasard sinon)"
        )

    def handle(self, *args, caisse, stay, seed, **options):
        caisse_obj = Caisse.objects.filter(slug=caisse).first()
        if caisse_obj is None:
            raise CommandError(f"Caisse inconnue : {caisse}")
        try:
            stay_obj = HolidayStay.objects.for_caisse(caisse_obj).get(uuid=stay)
        except (HolidayStay.DoesNotExist, ValidationError, ValueError) as error:
            raise CommandError(f"Séjour inconnu dans {caisse} : {stay}") from error
        if seed is None:
            seed = secrets.randbelow(10**9)
            self.stderr.write(f"graine : {seed}")
        try:
            allocation = stay_allocate(stay=stay_obj, seed=seed)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if allocation.result:
            self.stdout.write(allocation.result)
