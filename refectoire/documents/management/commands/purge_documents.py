from django.core.management.base import BaseCommand

from refectoire.documents.tasks import documents_purge_expired


class Command(BaseCommand):
    help = "Met en file la suppression des documents dont la durée de conservation est écoulée."

    def handle(self, *args, **options):
        documents_purge_expired.enqueue()
        self.stdout.write("Suppression des documents expirés mise en file.")
