import datetime

from django.core.management.base import CommandError

from refectoire.caisses.models import Caisse
from refectoire.schools.models import BillingPeriod


def caisse_and_period(slug: str, code: str):
    caisse = Caisse.objects.filter(slug=slug).first()
    if caisse is None:
        raise CommandError(f"Caisse inconnue : {slug}")
    try:
        first = datetime.datetime.strptime(code, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"Période attendue au format AAAA-MM (son premier mois) : {code}") from error
    period = (
        BillingPeriod.objects.for_caisse(caisse)
        .filter(start_date__year=first.year, start_date__month=first.month)
        .first()
    )
    if period is None:
        raise CommandError(f"Aucune période de facturation ne commence en {code} pour {slug}.")
    return caisse, period
