"""`manage.py pai_reminders`: remind families of the PAI ending within 30 days (once each; run daily)."""

from django.core.management.base import BaseCommand

from refectoire.enrollment.pai import pai_remind_expiring


class Command(BaseCommand):
    help = "Rappelle aux familles les PAI qui prennent fin dans les 30 jours (une fois par PAI)."

    def handle(self, *args, **options):
        sent = pai_remind_expiring()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
