from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from refectoire.billing.management.commands._common import caisse_and_period
from refectoire.caisses.models import Caisse
from refectoire.directdebit.enums import PainVersion, Route
from refectoire.directdebit.services import batch_file, batch_generate, stays_batch_generate


class Command(BaseCommand):
    help = (
        "Écrit le lot de prélèvements SEPA (pain.008) d'une période émise : le génère s'il ne l'est pas "
        "encore (il ne change plus ensuite), mêmes octets que l'écran. Avec --stays : génère un nouveau "
        "lot des factures de séjour à prélever (OOFF) et l'écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="premier mois de la période, ex. 2027-03")
        which.add_argument(
            "--stays",
            action="store_true",
            help="un nouveau lot des factures de séjour (prélèvement ponctuel)",
        )
        parser.add_argument(
            "--format", choices=PainVersion.values, help="version du fichier (par défaut celle de la Caisse)"
        )
        parser.add_argument("--output", required=True, help="fichier XML à écrire")

    def handle(self, *args, caisse, period, stays, format, output, **options):
        if stays:
            slug = caisse
            caisse = Caisse.objects.filter(slug=slug).first()
            if caisse is None:
                raise CommandError(f"Caisse inconnue : {slug}")
            try:
                batch = stays_batch_generate(caisse=caisse, version=format)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            label = "des séjours"
        else:
            caisse, period = caisse_and_period(caisse, period)
            try:
                batch = batch_generate(caisse=caisse, period=period, version=format)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            label = f"pour la période {period.label}"
        if batch.route != Route.PAIN008:
            raise CommandError(
                "La Caisse prélève par le circuit PES V2 : les prélèvements partent dans "
                "export_invoices --format pes, pas dans un fichier pain.008."
            )
        if not batch.count:
            raise CommandError(f"Aucune facture à prélever {label}.")
        content = batch_file(batch, version=format)
        Path(output).write_bytes(content)
        self.stdout.write(f"{batch.count} prélèvements, {batch.total} €, écrits dans {output}")
