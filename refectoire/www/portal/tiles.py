"""The tiles of the parent's dashboard ("Ma famille"), in one place: each links to its page."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class Tile:
    feature: str
    label: str
    description: str
    url: str


# (feature, label, description, URL name, URL kwargs)
TILES = [
    ("inscription", "Inscription", "Inscription scolaire rentrée {year}", "portal:enrollment_list", {}),
    ("tarif", "Tarif {year}", "Demande de tarif dégressif {year}", "portal:tariff_index", {}),
    ("simulation", "Simulation des tarifs", "Estimez votre tarif", "portal:tariff_simulator", {}),
    (
        "situation",
        "Changement de situation",
        "Signalez un changement",
        "portal:request_create",
        {"kind_slug": "changement-de-situation"},
    ),
    ("restauration-adulte", "Restauration adulte", "Repas des adultes", "portal:adult_meals", {}),
    ("factures", "Factures", "Vos factures et leur paiement", "portal:invoice_list", {}),
    ("demandes", "Mes demandes", "Le suivi de vos demandes", "portal:request_list", {}),
    ("messages", "Messages", "Vos échanges avec la Caisse", "portal:conversation_list", {}),
    (
        "sejours",
        "Séjours de vacances",
        "Les séjours de vacances de la Caisse des écoles",
        "portal:stays_home",
        {},
    ),
    ("documents", "Mes documents", "Votre espace de stockage sécurisé", "portal:document_list", {}),
]


def school_year_label(caisse) -> str:
    from refectoire.schools.models import SchoolYear

    today = timezone.localdate()
    year = SchoolYear.objects.for_caisse(caisse).containing(today).first()
    if year is None:
        year = SchoolYear.objects.for_caisse(caisse).order_by("-first_day").first()
    if year is not None:
        return year.label
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def dashboard_tiles(caisse) -> list[Tile]:
    year = school_year_label(caisse)
    return [
        Tile(
            feature,
            _(label).format(year=year),
            _(description).format(year=year),
            reverse(name, kwargs=kwargs),
        )
        for feature, label, description, name, kwargs in TILES
    ]
