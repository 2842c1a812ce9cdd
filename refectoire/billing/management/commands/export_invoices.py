import sys

from django.core.management.base import BaseCommand

from refectoire.billing.exports import invoices_csv, pes_ormc
from refectoire.billing.management.commands._common import caisse_and_period


class Command(BaseCommand):
    help = "Exporte les factures émises d'une période : CSV (une ligne par ligne de facture) ou PES V2 ORMC."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        parser.add_argument("--period", required=True, help="premier mois de la période, ex. 2027-03")
        parser.add_argument("--format", choices=["csv", "pes"], default="csv")

    def handle(self, *args, caisse, period, format, **options):
        caisse, period = caisse_and_period(caisse, period)
        if format == "pes":
            sys.stdout.flush()
            self.stdout.write(pes_ormc(caisse=caisse, period=period).decode(), ending="")
        else:
            self.stdout.write(invoices_csv(caisse=caisse, period=period), ending="")
