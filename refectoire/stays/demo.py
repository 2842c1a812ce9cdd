"""Demo: the holiday stays of the Caisse des écoles du 19e (one open for applications)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from refectoire.caisses.models import Caisse
from refectoire.stays.enums import ChoiceState, SchoolLevel
from refectoire.stays.models import (
    HolidayStay,
    StayApplication,
    StayChoice,
    StayChoiceEvent,
    StayPrice,
    StayProfile,
)

# (title, place, description, days from today: opens, closes, starts; length, ages, levels, capacity,
#  fixed price or None, price of bracket 1, step per bracket)
STAYS = [
    (
        "Classe de neige à Samoëns",
        "Samoëns (Haute-Savoie)",
        "Une semaine à la montagne : ski alpin avec les moniteurs de l'ESF, luge, veillées au chalet.",
        (-40, -3, 30),
        6,
        (8, 11),
        [SchoolLevel.CE2, SchoolLevel.CM1, SchoolLevel.CM2],
        24,
        None,
        Decimal("45.00"),
        Decimal("38.00"),
    ),
    (
        "Mer et voile à Pornic",
        "Pornic (Loire-Atlantique)",
        "Initiation à la voile sur optimist, pêche à pied, découverte de l'estran et grands jeux sur la plage.",
        (-10, 20, 50),
        7,
        (7, 12),
        [],
        30,
        None,
        Decimal("40.00"),
        Decimal("35.00"),
    ),
    (
        "Nature et poney dans le Morvan",
        "Saint-Brisson (Nièvre)",
        "Soins aux poneys, balades en forêt, cabanes et nuit sous la tente pour les plus grands.",
        (30, 60, 95),
        5,
        (4, 7),
        [SchoolLevel.MS, SchoolLevel.GS, SchoolLevel.CP],
        18,
        Decimal("120.00"),
        None,
        None,
    ),
]


def seed(*, stdout):
    caisse = Caisse.objects.filter(slug="cde19").first()
    if caisse is None:
        return
    today = timezone.localdate()
    for title, place, description, (
        opens,
        closes,
        starts,
    ), length, ages, levels, capacity, fixed, first, step in STAYS:
        start = today + datetime.timedelta(days=starts)
        stay, created = HolidayStay.objects.get_or_create(
            caisse=caisse,
            title=title,
            defaults={
                "place": place,
                "description": description,
                "application_opens_on": today + datetime.timedelta(days=opens),
                "application_closes_on": today + datetime.timedelta(days=closes),
                "start_date": start,
                "end_date": start + datetime.timedelta(days=length - 1),
                "age_min": ages[0],
                "age_max": ages[1],
                "school_levels": [str(level) for level in levels],
                "capacity": capacity,
                "fixed_price": fixed,
                "is_published": True,
            },
        )
        if fixed is None:
            for bracket in range(1, 11):
                StayPrice.objects.get_or_create(
                    stay=stay, bracket_number=bracket, defaults={"price": first + step * (bracket - 1)}
                )
    stdout.write(
        "Séjours de vacances : 3 séjours dans cde19 (« Mer et voile à Pornic » ouvert aux demandes)."
    )
    _confirmed_and_invoiced(caisse, stdout)


def _confirmed_and_invoiced(caisse, stdout):
    """Léo (P19-INESM's household) has a confirmed place at Samoëns, invoiced at his bracket."""
    from refectoire.accounts.models import User
    from refectoire.billing.stays import stay_invoice_issue
    from refectoire.households.models import Household

    user = User.objects.filter(username="P19-INESM").first()
    household = Household.objects.for_user(user, caisse).first() if user else None
    child = household.children.filter(first_name="Léo").first() if household else None
    stay = HolidayStay.objects.filter(caisse=caisse, title="Classe de neige à Samoëns").first()
    if child is None or stay is None:
        return
    if StayChoice.objects.filter(child=child, stay=stay).exists():
        return
    StayProfile.objects.get_or_create(
        child=child,
        defaults={
            "school_level": SchoolLevel.CM2,
            "emergency_contact_1_name": "Patrick Moreau",
            "emergency_contact_1_phone": "06 19 00 00 01",
        },
    )
    application = StayApplication.objects.create(
        caisse=caisse, household=household, child=child, submitted_by=user
    )
    choice = StayChoice.objects.create(
        application=application, child=child, stay=stay, rank=1, state=ChoiceState.CONFIRMED
    )
    StayChoiceEvent.objects.create(
        choice=choice, actor=user, from_state="", to_state=ChoiceState.CONFIRMED, message="Démonstration."
    )
    invoice = stay_invoice_issue(choice=choice, actor=None)
    if invoice is not None:
        stdout.write(
            f"Séjours de vacances : place confirmée de Léo (P19-INESM) à Samoëns, facture {invoice.number} "
            f"de {invoice.total} €."
        )
