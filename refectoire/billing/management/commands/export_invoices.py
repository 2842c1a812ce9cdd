import datetime
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.billing.exports import invoices_csv, pes_ormc, pes_ormc_stays, stay_invoices
from refectoire.billing.management.commands._common import caisse_and_period
from refectoire.caisses.models import Caisse


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date attendue au format AAAA-MM-JJ : {value}") from error


class Command(BaseCommand):
    help = (
        "Exporte les factures émises d'une période : CSV (une ligne par ligne de facture) ou PES V2 ORMC ; "
        "avec --issued-from/--issued-to, les factures sans période (séjours de vacances) émises entre ces dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--period", help="premier mois de la période, ex. 2027-03")
        parser.add_argument(
            "--issued-from", help="séjours : factures émises à partir de ce jour, ex. 2027-06-01"
        )
        parser.add_argument(
            "--issued-to", help="séjours : factures émises jusqu'à ce jour inclus, ex. 2027-06-30"
        )
        parser.add_argument("--format", choices=["csv", "pes"], default="csv")

    def handle(self, *args, **options):
        try:
            self.export(**options)
        except ValidationError as error:  # the PES export's refusal, said as it is
            raise CommandError(" ".join(error.messages)) from error

    def export(self, *, caisse, period, issued_from, issued_to, format, **options):
        if period and (issued_from or issued_to):
            raise CommandError("Choisissez --period ou --issued-from/--issued-to, pas les deux.")
        if period:
            caisse, period = caisse_and_period(caisse, period)
            if format == "pes":
                sys.stdout.flush()
                self.stdout.write(pes_ormc(caisse=caisse, period=period).decode(), ending="")
            else:
                self.stdout.write(invoices_csv(caisse=caisse, period=period), ending="")
            return
        if not (issued_from and issued_to):
            raise CommandError("Indiquez --period, ou --issued-from et --issued-to.")
        first_day, last_day = _day(issued_from), _day(issued_to)
        if last_day < first_day:
            raise CommandError("--issued-to précède --issued-from.")
        slug = caisse
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            raise CommandError(f"Caisse inconnue : {slug}")
        if format == "pes":
            sys.stdout.flush()
            output = pes_ormc_stays(caisse=caisse, first_day=first_day, last_day=last_day).decode()
        else:
            output = invoices_csv(
                caisse=caisse, invoices=stay_invoices(caisse=caisse, first_day=first_day, last_day=last_day)
            )
        self.stdout.write(output, ending="")
