import csv

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.enrollment.selectors import enrollment_export_rows


class Command(BaseCommand):
    help = "Print the enrollments of a school year: household_ref;child_ref;school_code;weekdays;custody;start_date;end_date."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--year", required=True)

    def handle(self, *args, caisse, year, **options):
        try:
            caisse = Caisse.objects.get(slug=caisse)
        except Caisse.DoesNotExist as error:
            raise CommandError(f"Caisse inconnue : {caisse}") from error
        school_year = caisse.school_years.filter(label=year).first()
        if school_year is None:
            raise CommandError(f"Année scolaire inconnue : {year}")
        writer = csv.writer(self.stdout, delimiter=";", lineterminator="\n")
        for row in enrollment_export_rows(school_year=school_year):
            writer.writerow(row)
