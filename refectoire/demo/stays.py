"""Demo: the holiday stays of the Caisse des écoles du 19e (one open for applications)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.accounts.models import User
from refectoire.caisses.models import AgentRole, Caisse
from refectoire.core.money import format_euros
from refectoire.households.models import Household
from refectoire.stays.enums import SchoolLevel
from refectoire.stays.invoicing import stay_invoice_issue
from refectoire.stays.models import HolidayStay, StayAllocation, StayChoice, StayProfile
from refectoire.stays.services import (
    stay_allocate,
    stay_application_submit,
    stay_choice_confirm,
    stay_profile_save,
    stay_save,
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
        if HolidayStay.objects.filter(caisse=caisse, title=title).exists():
            continue
        stay_save(
            caisse=caisse,
            prices=None if fixed is not None else {n: first + step * (n - 1) for n in range(1, 11)},
            title=title,
            place=place,
            description=description,
            application_opens_on=today + datetime.timedelta(days=opens),
            application_closes_on=today + datetime.timedelta(days=closes),
            start_date=start,
            end_date=start + datetime.timedelta(days=length - 1),
            age_min=ages[0],
            age_max=ages[1],
            school_levels=[str(level) for level in levels],
            capacity=capacity,
            fixed_price=fixed,
            is_published=True,
        )
    stdout.write(
        "Séjours de vacances : 3 séjours dans cde19 (« Mer et voile à Pornic » ouvert aux demandes)."
    )
    _confirmed_and_invoiced(caisse, stdout)


DEMO_ALLOCATION_SEED = 20260119


def _confirmed_and_invoiced(caisse, stdout):
    """Léo (P19-INESM's household) has a confirmed place at Samoëns, invoiced at his bracket.

    Made through the real journey, as the back office shows it: the application sent while the
    stay was open, the allocation of the places with a fixed seed once closed, the family's
    confirmation, the invoice. Running the demo again changes nothing.
    """
    user = User.objects.filter(username="P19-INESM").first()
    household = Household.objects.for_user(user, caisse).first() if user else None
    child = household.children.filter(first_name="Léo").first() if household else None
    stay = HolidayStay.objects.filter(caisse=caisse, title="Classe de neige à Samoëns").first()
    if child is None or stay is None:
        return
    if (
        StayChoice.objects.filter(child=child, stay=stay).exists()
        or StayAllocation.objects.filter(stay=stay).exists()
    ):
        return
    agent = (
        AgentRole.objects.for_caisse(caisse).filter(user__username="A19-AGENT").select_related("user").first()
    )
    if not StayProfile.objects.filter(child=child).exists():
        stay_profile_save(
            child=child,
            school_level=SchoolLevel.CM2,
            emergency_contact_1_name="Patrick Moreau",
            emergency_contact_1_phone="06 19 00 00 01",
        )
    try:
        application = stay_application_submit(
            household=household, child=child, stays=[stay], user=user, today=stay.application_opens_on
        )
    except ValidationError as error:  # the demo's dates move with today: Léo may have grown too old
        stdout.write(
            f"Séjours de vacances : pas de place de démonstration pour Léo ({' '.join(error.messages)})."
        )
        return
    stay_allocate(stay=stay, seed=DEMO_ALLOCATION_SEED, actor=agent.user if agent else None)
    choice = application.choices.get(stay=stay)
    stay_choice_confirm(choice=choice, actor=user)
    invoice = stay_invoice_issue(choice=choice, actor=None)
    if invoice is not None:
        stdout.write(
            f"Séjours de vacances : places de Samoëns attribuées (graine {DEMO_ALLOCATION_SEED}), "
            f"place confirmée de Léo (P19-INESM), facture {invoice.number} de {format_euros(invoice.total)}."
        )
