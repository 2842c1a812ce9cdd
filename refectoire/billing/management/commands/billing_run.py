from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.billing.locks import billing_period_lock
from refectoire.billing.management.commands._common import caisse_and_period
from refectoire.billing.services import DEFAULT_CHUNK_SIZE, billing_run_compute, billing_run_issue, run_totals
from refectoire.core.money import format_euros


class Command(BaseCommand):
    help = "Calcule les factures d'une période (brouillon) ; --issue les émet (numéros, envoi aux familles)."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse, ex. cde11")
        parser.add_argument("--period", required=True, help="premier mois de la période, ex. 2027-03")
        parser.add_argument("--issue", action="store_true", help="émettre les factures après le calcul")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)

    def handle(self, *args, caisse, period, issue, chunk_size, **options):
        caisse, period = caisse_and_period(caisse, period)
        verbose = options["verbosity"] > 1

        def progress(done, total):
            if verbose:
                self.stdout.write(f"{done}/{total} dossiers (foyers et adultes)")
                self.stdout.flush()

        try:
            # One lock over the computation and the issue: no other run slips in between.
            with billing_period_lock(period):
                self._run(caisse, period, issue, chunk_size, progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _run(self, caisse, period, issue, chunk_size, progress):
        run = billing_run_compute(caisse=caisse, period=period, chunk_size=chunk_size, progress=progress)
        totals = run_totals(period)
        self.stdout.write(
            f"{period.label} : {totals['count']} facture(s), {format_euros(totals['total'])} (brouillon)"
        )
        if issue:
            billing_run_issue(run=run)
            self.stdout.write(self.style.SUCCESS(f"{totals['count']} facture(s) émise(s)."))
