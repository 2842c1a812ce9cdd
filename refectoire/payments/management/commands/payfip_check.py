from django.core.management.base import BaseCommand

from refectoire.payments.services import payfip_check_pending


class Command(BaseCommand):
    help = "Interroge PayFIP sur les paiements en ligne restés sans notification et les enregistre."

    def handle(self, *args, **options):
        settled = payfip_check_pending()
        self.stdout.write(f"{settled} opération(s) réglée(s).")
