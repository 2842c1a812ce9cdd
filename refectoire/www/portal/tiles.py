"""The tiles of the parent's dashboard ("Ma famille"), in one place: each links to its page.

As in the guide, the « Tarif » tiles of last year and of this year stand side by side
(« Tarif 2025-2026 », « Tarif 2026-2027 »): the past one reads the tariff that applied, the
current one leads to the request or tells its state (`pricing.selectors.tariff_tile`).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.billing.models import Invoice
from refectoire.billing.selectors import unpaid_invoice_count
from refectoire.caisses.urls import caisse_reverse
from refectoire.pricing.selectors import dashboard_tariff_years, tariff_tile
from refectoire.schools.models import SchoolYear


@dataclass
class Tile:
    feature: str
    label: str
    description: str
    url: str
    detail: str = ""


# (feature, label, description, URL name, URL kwargs), in the guide's order (« MA FAMILLE »:
# Inscription, Simulation des tarifs, Changement de situation, Tarif 2022-2023, Restauration
# adulte, Tarif 2023-2024). The "tarif" entry stands for the tariff tiles; its label and
# description serve only when the Caisse has no school year yet.
TILES = [
    ("inscription", "Inscription", "Inscription scolaire rentrée {year}", "portal:enrollment_list", {}),
    ("simulation", "Simulation des tarifs", "Estimez votre tarif", "portal:tariff_simulator", {}),
    (
        "situation",
        "Changement de situation",
        "Signalez un changement",
        "portal:request_create",
        {"kind_slug": "changement-de-situation"},
    ),
    ("tarif", "Tarif {year}", "Demande de tarif dégressif {year}", "portal:tariff_index", {}),
    ("restauration-adulte", "Restauration adulte", "Repas des adultes", "portal:adult_meals", {}),
    ("absences", "Absences", "Signaler une absence, suivre vos absences", "portal:absence_list", {}),
    ("menus", "Menus", "Les menus de la semaine, les allergènes et le PAI", "portal:menus", {}),
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
    today = timezone.localdate()
    year = SchoolYear.objects.for_caisse(caisse).containing(today).first()
    if year is None:
        year = SchoolYear.objects.for_caisse(caisse).order_by("-first_day").first()
    if year is not None:
        return year.label
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def tariff_tiles(household) -> list[Tile]:
    """Last year's « Tarif » tile (what applied) and this year's (the request or its state)."""
    years = dashboard_tariff_years(caisse=household.caisse, today=timezone.localdate())
    tiles = []
    for year, past in years:
        tile = tariff_tile(household=household, school_year=year, past=past)
        feature = "tarif-precedent" if past else "tarif"
        url = caisse_reverse(household.caisse, "portal:tariff", kwargs={"year_uuid": tile.school_year_uuid})
        tiles.append(Tile(feature, tile.title, tile.text, url, detail=tile.state_label))
    return tiles


def invoices_detail(household) -> str:
    """« 2 factures non réglées », as the guide words an invoice waiting for payment."""
    count = unpaid_invoice_count(household)
    if not count:
        return _("Aucune facture non réglée")
    return ngettext("%(count)s facture non réglée", "%(count)s factures non réglées", count) % {
        "count": count
    }


def dashboard_tiles(caisse, household=None) -> list[Tile]:
    """The dashboard's tiles; with the (validated) `household`, its own « Tarif » tiles: last
    year's before « Restauration adulte » and this year's after it, as in the guide."""
    year = school_year_label(caisse)
    tiles = [
        Tile(
            feature,
            _(label).format(year=year),
            _(description).format(year=year),
            reverse(name, kwargs=kwargs),
        )
        for feature, label, description, name, kwargs in TILES
    ]
    if household is not None:
        for tile in tiles:
            if tile.feature == "factures":
                tile.detail = invoices_detail(household)
    own = tariff_tiles(household) if household is not None else []
    if not own:
        return tiles
    result = []
    for tile in tiles:
        if tile.feature == "tarif":
            result.extend(t for t in own if t.feature == "tarif-precedent")
        elif tile.feature == "restauration-adulte":
            result.append(tile)
            result.extend(t for t in own if t.feature == "tarif")
        else:
            result.append(tile)
    return result


def adult_meal_tiles(caisse, user) -> list[Tile]:
    """« Restauration adulte » of a person registered to eat at a canteen (school staff): their
    registration and their invoices. Empty for a person with no registration in `caisse`."""
    registration = (
        AdultRegistration.objects.for_user(user, caisse)
        .exclude(state=RegistrationState.CANCELLED)
        .order_by("-created_at")
        .first()
    )
    if registration is None:
        return []
    unpaid = Invoice.objects.for_adult(user, caisse).unpaid().count()
    url = reverse("portal:adult_meals")
    return [
        Tile(
            "restauration-adulte",
            _("Restauration adulte"),
            _("Votre inscription à la cantine de %(school)s") % {"school": registration.school.name},
            url,
            detail=registration.get_state_display(),
        ),
        Tile(
            "factures-adulte",
            _("Mes factures de repas"),
            _("Vos factures de restauration adulte et leur paiement"),
            url + "#factures",
            detail=ngettext("%(count)s facture non réglée", "%(count)s factures non réglées", unpaid)
            % {"count": unpaid}
            if unpaid
            else _("Aucune facture non réglée"),
        ),
        Tile(
            "messages",
            _("Messages"),
            _("Vos échanges avec la Caisse"),
            reverse("portal:conversation_list"),
        ),
    ]
