import datetime

from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.schools.calendar import CalendarBits, Window


class Command(BaseCommand):
    help = "Print one ISO date per line: the days a canteen serves (of --school, or of any school of the Caisse)."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--school", default=None, help="school_code")

    def handle(self, *args, caisse, start, end, school, **options):
        try:
            caisse = Caisse.objects.get(slug=caisse)
        except Caisse.DoesNotExist as error:
            raise CommandError(f"Caisse inconnue : {caisse}") from error
        if end < start:
            raise CommandError("--to doit suivre --from.")
        schools = caisse.schools.filter(is_active=True)
        if school:
            schools = caisse.schools.filter(code=school)
            if not schools.exists():
                raise CommandError(f"Établissement inconnu : {school}")
        window = Window(start, end)
        ids = list(schools.values_list("pk", flat=True))
        calendar = CalendarBits.load(caisse=caisse, window=window, school_ids=ids)
        bits = 0
        for school_id in ids:
            bits |= calendar.school_days(school_id)
        for day in window.dates(bits):
            self.stdout.write(day.isoformat())
