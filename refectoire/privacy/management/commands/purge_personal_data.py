from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.privacy.services import personal_data_purge


class Command(BaseCommand):
    help = (
        "Anonymise les foyers d'une Caisse dont la durée de conservation est écoulée (chacun en entier "
        "ou pas du tout), efface l'identité des débiteurs après la conservation comptable et purge le "
        "journal des consultations (à lancer chaque nuit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse (cde11)")
        parser.add_argument(
            "--dry-run", action="store_true", help="montre ce qui serait fait, sans rien changer"
        )

    def handle(self, *args, caisse, dry_run, **options):
        found = Caisse.objects.filter(slug=caisse).first()
        if found is None:
            raise CommandError(f"Caisse inconnue : {caisse}")
        report = personal_data_purge(caisse=found, dry_run=dry_run)
        verb = "à anonymiser" if dry_run else "anonymisé(s)"
        self.stdout.write(found.slug + (" (essai : rien n’est changé)" if dry_run else ""))
        self.stdout.write(f"households\t{report.households}\t{verb}")
        self.stdout.write(f"held\t{report.held}\tsuspendu(s) par un agent")
        self.stdout.write(f"failed\t{report.failed}\ten échec (rien n’a changé pour eux)")
        self.stdout.write(
            f"debtors\t{report.debtors}\tidentité de débiteur effacée (fin de conservation comptable)"
        )
        for category, number in sorted(report.counts.items()):
            self.stdout.write(f"{category}\t{number}")
        self.stdout.write(f"access_log\t{report.access_log}\tconsultation(s) de plus d'un an supprimée(s)")
        if report.failed:
            raise CommandError(f"{report.failed} foyer(s) en échec : voir le journal.")
