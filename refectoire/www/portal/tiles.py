"""The tiles of the parent's dashboard ("Ma famille"), in one place: each links to its page.

As in the guide, the « Tarif » tiles of last year and of this year stand side by side
(« Tarif 2025-2026 », « Tarif 2026-2027 »): the past one reads the tariff that applied, the
current one leads to the request or tells its state (`pricing.selectors.tariff_tile`).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop, ngettext

from refectoire.adultmeals.enums import RegistrationState
from refectoire.adultmeals.models import AdultRegistration
from refectoire.billing.models import Invoice
from refectoire.billing.selectors import unpaid_invoice_count
from refectoire.caisses.urls import caisse_reverse
from refectoire.core.money import format_euros
from refectoire.directdebit.selectors import live_mandate, next_debit, next_debit_day, sepa_settings_for
from refectoire.pricing.selectors import dashboard_tariff_years, tariff_tile
from refectoire.schools.models import SchoolYear


@dataclass
class Tile:
    feature: str
    label: str
    description: str
    url: str
    detail: str = ""
    group: str = ""


# The groups of « Mon espace »'s services, in the order shown. A service declares its group below.
GROUPS = [
    ("inscriptions", _lazy("Inscriptions et planning")),
    ("tarifs", _lazy("Tarifs")),
    ("factures", _lazy("Factures et paiements")),
    ("demandes", _lazy("Demandes et messages")),
    ("sejours", _lazy("Séjours")),
    ("documents", _lazy("Documents")),
]

# (group, feature, label, description, URL name, URL kwargs): one line per service, in the guide's
# order inside each group (« MA FAMILLE »: Inscription, Simulation des tarifs, Changement de
# situation, Tarif 2022-2023, Restauration adulte, Tarif 2023-2024). The "tarif" entry stands for the
# tariff tiles; its label and description serve only when the Caisse has no school year yet.
TILES = [
    (
        "inscriptions",
        "inscription",
        "Inscription",
        "Inscription scolaire rentrée {year}",
        "portal:enrollment_list",
        {},
    ),
    ("tarifs", "simulation", "Simulation des tarifs", "Estimez votre tarif", "portal:tariff_simulator", {}),
    (
        "demandes",
        "situation",
        "Changement de situation",
        "Signalez un changement",
        "portal:request_create",
        {"kind_slug": "changement-de-situation"},
    ),
    ("tarifs", "tarif", "Tarif {year}", "Demande de tarif dégressif {year}", "portal:tariff_index", {}),
    (
        "inscriptions",
        "restauration-adulte",
        "Restauration adulte",
        "Repas des adultes",
        "portal:adult_meals",
        {},
    ),
    (
        "inscriptions",
        "menus",
        "Menus",
        "Les menus de la semaine, les allergènes et le PAI",
        "portal:menus",
        {},
    ),
    (
        "inscriptions",
        "absences",
        "Absences",
        "Signaler une absence, suivre vos absences",
        "portal:absence_list",
        {},
    ),
    ("factures", "factures", "Factures", "Vos factures et leur paiement", "portal:invoice_list", {}),
    (
        "factures",
        "prelevement",
        "Prélèvement automatique",
        gettext_noop("Vos factures prélevées sur votre compte"),
        "portal:directdebit",
        {},
    ),
    ("demandes", "demandes", "Mes demandes", "Le suivi de vos demandes", "portal:request_list", {}),
    ("demandes", "messages", "Messages", "Vos échanges avec la Caisse", "portal:conversation_list", {}),
    (
        "sejours",
        "sejours",
        "Séjours de vacances",
        "Les séjours de vacances de la Caisse des écoles",
        "portal:stays_home",
        {},
    ),
    (
        "documents",
        "documents",
        "Mes documents",
        "Votre espace de stockage sécurisé",
        "portal:document_list",
        {},
    ),
    (
        "documents",
        "donnees",
        "Mes données",
        "Télécharger vos données, supprimer votre compte",
        "portal:privacy",
        {},
    ),
]


@dataclass
class ServiceGroup:
    key: str
    label: str
    tiles: list


def service_groups(tiles: list[Tile]) -> list[ServiceGroup]:
    """The tiles by group, in the order of GROUPS; a group without tile is left out."""
    groups = [
        ServiceGroup(key, str(label), [tile for tile in tiles if tile.group == key]) for key, label in GROUPS
    ]
    return [group for group in groups if group.tiles]


def school_year_label(caisse) -> str:
    today = timezone.localdate()
    year = SchoolYear.objects.for_caisse(caisse).containing(today).first()
    if year is None:
        year = SchoolYear.objects.for_caisse(caisse).order_by("-first_day").first()
    if year is not None:
        return year.label
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def tariff_tiles(household, pricing=None, tariff_requests=None, decisions=None) -> list[Tile]:
    """Last year's « Tarif » tile (what applied) and this year's (the request or its state).
    `pricing`, `tariff_requests` and `decisions`: what « Mon espace » read already (todo.Dashboard)."""
    years = dashboard_tariff_years(caisse=household.caisse, today=timezone.localdate(), known=pricing)
    tiles = []
    for year, past in years:
        tile = tariff_tile(
            household=household,
            school_year=year,
            past=past,
            known=pricing,
            requests=tariff_requests,
            decisions=decisions,
        )
        feature = "tarif-precedent" if past else "tarif"
        url = caisse_reverse(household.caisse, "portal:tariff", kwargs={"year_uuid": tile.school_year_uuid})
        tiles.append(Tile(feature, tile.title, tile.text, url, detail=tile.state_label, group="tarifs"))
    return tiles


def invoices_detail(household) -> str:
    """« 2 factures non réglées », as the guide words an invoice waiting for payment."""
    return unpaid_text(unpaid_invoice_count(household))


def unpaid_text(count: int) -> str:
    if not count:
        return _("Aucune facture non réglée")
    return ngettext("%(count)s facture non réglée", "%(count)s factures non réglées", count) % {
        "count": count
    }


def directdebit_detail(household, unpaid_invoices=None) -> str:
    """« Prochain prélèvement le 25/03/2027 : 42,00 € », or whether the household has a mandate.
    Without a query from what « Mon espace » read: the household `with_debit_summary` and its
    unpaid invoices (`unpaid_invoices`) `with_debit_flags`."""
    if unpaid_invoices is not None and hasattr(household, "debit_live_mandate"):
        plan = next_debit_day(household, unpaid_invoices, today=timezone.localdate())
        has_mandate = household.debit_live_mandate
    else:
        plan = next_debit(household)
        has_mandate = plan is not None or live_mandate(household) is not None
    if plan is not None:
        return _("Prochain prélèvement le %(day)s : %(amount)s") % {
            "day": plan.collection_date.strftime("%d/%m/%Y"),
            "amount": format_euros(plan.amount),
        }
    return _("Mandat signé") if has_mandate else _("Aucun mandat")


def dashboard_tiles(
    caisse,
    household=None,
    *,
    unpaid: int | None = None,
    year: str | None = None,
    pricing=None,
    tariff_requests=None,
    unpaid_invoices=None,
    decisions=None,
) -> list[Tile]:
    """The dashboard's tiles; with the (validated) `household`, its own « Tarif » tiles: last
    year's before « Restauration adulte » and this year's after it, as in the guide.

    « Mon espace » passes what it has read already: `unpaid` (the number of unpaid invoices),
    `year` (the label of the current school year), `pricing` (the Caisse's years and grids) and
    `tariff_requests` (the household's, not cancelled), `unpaid_invoices` (its invoices left to pay,
    read `with_debit_flags` where the Caisse offers direct debit) and `decisions` (its tariff
    decisions)."""
    year = year or school_year_label(caisse)
    tiles = [
        Tile(
            feature,
            _(label).format(year=year),
            _(description).format(year=year),
            reverse(name, kwargs=kwargs),
            group=group,
        )
        for group, feature, label, description, name, kwargs in TILES
    ]
    if sepa_settings_for(caisse) is None:  # « Prélèvement automatique » only where the Caisse offers it
        tiles = [tile for tile in tiles if tile.feature != "prelevement"]
    if household is not None:
        for tile in tiles:
            if tile.feature == "factures":
                tile.detail = unpaid_text(unpaid) if unpaid is not None else invoices_detail(household)
            if tile.feature == "prelevement":
                tile.detail = directdebit_detail(household, unpaid_invoices)
    own = tariff_tiles(household, pricing, tariff_requests, decisions) if household is not None else []
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
