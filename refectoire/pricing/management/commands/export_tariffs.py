"""`manage.py export_tariffs --caisse cde11 --year 2026-2027`: the decided tariffs of a year, as CSV
`household_ref;bracket;family_quotient;start_date;source` (docs/formats-pricing.md)."""

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.pricing.selectors import tariffs_csv
from refectoire.schools.models import SchoolYear


class Command(BaseCommand):
    help = "Exporte les tarifs décidés d'une année scolaire (CSV séparé par des points-virgules)."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse, par exemple cde11")
        parser.add_argument("--year", required=True, help="année scolaire, par exemple 2026-2027")

    def handle(self, *args, caisse, year, **options):
        caisse_obj = Caisse.objects.filter(slug=caisse).first()
        if caisse_obj is None:
            raise CommandError(f"Caisse inconnue : {caisse}")
        school_year = SchoolYear.objects.filter(caisse=caisse_obj, label=year).first()
        if school_year is None:
            raise CommandError(f"Année scolaire inconnue pour {caisse} : {year}")
        self.stdout.write(tariffs_csv(caisse=caisse_obj, school_year=school_year), ending="")
