"""The tiles of the parent's dashboard ("Ma famille"), in one place.

A tile links to its feature's page once that page exists (its URL name resolves), and otherwise
to an honest "bientôt disponible" page. At merge, the lead only adjusts `url_names` here.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class Tile:
    feature: str
    label: str
    description: str
    url: str
    available: bool


# (feature, label, description, URL names to try in order)
TILES = [
    (
        "inscription",
        "Inscription",
        "Inscription scolaire rentrée {year}",
        ["portal:enrollment_index", "portal:enrollment_list"],
    ),
    ("tarif", "Tarif {year}", "Demande de tarif dégressif {year}", ["portal:tariff_index"]),
    (
        "simulation",
        "Simulation des tarifs",
        "Estimez votre tarif",
        ["portal:tariff_simulator", "public:tariff_simulator"],
    ),
    ("situation", "Changement de situation", "Signalez un changement", ["portal:request_situation"]),
    ("restauration-adulte", "Restauration adulte", "Repas des adultes", ["portal:adult_meals"]),
    ("factures", "Factures", "Vos factures et leur paiement", ["portal:invoice_list"]),
    ("demandes", "Mes demandes", "Le suivi de vos demandes", ["portal:request_list"]),
    ("messages", "Messages", "Vos échanges avec la Caisse", ["portal:conversation_list"]),
]
FEATURES = {feature: label for feature, label, _description, _names in TILES}


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


def feature_label(feature: str, caisse) -> str:
    return _(FEATURES[feature]).format(year=school_year_label(caisse))


def dashboard_tiles(caisse) -> list[Tile]:
    year = school_year_label(caisse)
    tiles = []
    for feature, label, description, url_names in TILES:
        url, available = None, False
        for name in url_names:
            try:
                url, available = reverse(name), True
                break
            except NoReverseMatch:
                continue
        if url is None:
            url = reverse("portal:coming_soon", kwargs={"feature": feature})
        tiles.append(
            Tile(feature, _(label).format(year=year), _(description).format(year=year), url, available)
        )
    return tiles
