from django.core.management.base import BaseCommand, CommandError

from refectoire.caisses.models import Caisse
from refectoire.stays.invoicing import stay_invoices_issue_due


class Command(BaseCommand):
    help = (
        "Émet les factures des séjours de vacances confirmés et pas encore facturés "
        "(rattrapage de la facturation faite à la confirmation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--caisse", required=True, help="identifiant de la Caisse, ex. cde19")

    def handle(self, *args, caisse, **options):
        slug = caisse
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            raise CommandError(f"Caisse inconnue : {slug}")
        issued, errors = stay_invoices_issue_due(caisse=caisse)
        for invoice in issued:
            line = invoice.lines.get()
            self.stdout.write(
                f"{invoice.number};{invoice.household.reference or invoice.household.uuid};"
                f"{line.child.reference or line.child.uuid};{invoice.total:.2f};{invoice.due_date.isoformat()};"
                f"{invoice.label}"
            )
        for error in errors:
            self.stderr.write(error)
        if errors:
            raise CommandError(f"{len(errors)} séjour(s) non facturé(s).")
