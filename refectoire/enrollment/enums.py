from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT, SYSTEM


class Custody(models.TextChoices):
    FULL = "full", _("Garde complète")
    EVEN = "even", _("Semaines paires")
    ODD = "odd", _("Semaines impaires")
    CALENDAR = "calendar", _("Calendrier de garde")


class EnrollmentState(models.TextChoices):
    ACTIVE = "active", _("Inscrit")
    CANCELLED = "cancelled", _("Désinscrit")


class EnrollmentAction(models.TextChoices):
    """What an enrollment's history row records."""

    CREATE = "create", _("Inscription")
    CANCEL = "cancel", _("Désinscription")
    CUSTODY_CHANGE = "custody_change", _("Changement de garde")
    RHYTHM_REQUEST = "rhythm_request", _("Changement de rythme demandé")
    RHYTHM_VALIDATED = "rhythm_validated", _("Changement de rythme validé")
    RHYTHM_REJECTED = "rhythm_rejected", _("Changement de rythme refusé")


class RhythmChangeState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REJECTED = "rejected", _("Refusé")


class AbsenceState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


# The lifecycles (from -> {to: who}). An enrollment is made active; the parent or an agent cancels it.
ENROLLMENT_LIFECYCLE = {
    EnrollmentState.ACTIVE: {EnrollmentState.CANCELLED: {PARENT, AGENT}},
    EnrollmentState.CANCELLED: {},
}

# A rhythm change waits for an agent's decision.
RHYTHM_CHANGE_LIFECYCLE = {
    RhythmChangeState.PENDING: {RhythmChangeState.VALIDATED: {AGENT}, RhythmChangeState.REJECTED: {AGENT}},
    RhythmChangeState.VALIDATED: {},
    RhythmChangeState.REJECTED: {},
}

# An absence is declared pending (accepted at once when its reason and the notice allow: the system)
# or recorded accepted by an agent; the parent may cancel it until it starts.
ABSENCE_LIFECYCLE = {
    AbsenceState.PENDING: {
        AbsenceState.ACCEPTED: {AGENT, SYSTEM},
        AbsenceState.REFUSED: {AGENT},
        AbsenceState.CANCELLED: {PARENT, AGENT},
    },
    AbsenceState.ACCEPTED: {AbsenceState.CANCELLED: {PARENT, AGENT}},
    AbsenceState.REFUSED: {},
    AbsenceState.CANCELLED: {},
}


class DayStatus(models.TextChoices):
    SERVED = "served", _("Repas prévu")
    NOT_WEEKDAY = "not_weekday", _("Pas un jour de l'enfant")
    OTHER_GUARDIAN = "other_guardian", _("Semaine de l'autre responsable")
    CUSTODY_PENDING = "custody_pending", _("Calendrier de garde attendu")
    SCHOOL_HOLIDAY = "school_holiday", _("Vacances scolaires")
    PUBLIC_HOLIDAY = "public_holiday", _("Jour férié")
    CLOSURE = "closure", _("Fermeture")
    ABSENCE = "absence", _("Absence acceptée")
    ABSENCE_PENDING = "absence_pending", _("Absence signalée")
    NO_SERVICE = "no_service", _("Pas de restauration ce jour")
    NOT_ENROLLED = "not_enrolled", _("Pas inscrit")


# The statuses of a meal day (expected and billed): a waiting absence does not remove the meal.
MEAL_STATUSES = {DayStatus.SERVED, DayStatus.ABSENCE_PENDING}


WEEKDAY_NAMES = {
    1: _("Lundi"),
    2: _("Mardi"),
    3: _("Mercredi"),
    4: _("Jeudi"),
    5: _("Vendredi"),
    6: _("Samedi"),
    7: _("Dimanche"),
}


def weekday_names(digits: str) -> str:
    """« Lundi, Mardi, Jeudi, Vendredi » for the stored weekdays « 1245 »."""
    return ", ".join(str(WEEKDAY_NAMES[int(digit)]) for digit in str(digits) if digit in "1234567")


class Allergen(models.TextChoices):
    """The 14 allergens of EU regulation 1169/2011, annex II (the codes of docs/formats-menus.md)."""

    GLUTEN = "gluten", _("Gluten")
    CRUSTACEANS = "crustaces", _("Crustacés")
    EGGS = "oeufs", _("Œufs")
    FISH = "poissons", _("Poissons")
    PEANUTS = "arachides", _("Arachides")
    SOY = "soja", _("Soja")
    MILK = "lait", _("Lait")
    NUTS = "fruits_a_coque", _("Fruits à coque")
    CELERY = "celeri", _("Céleri")
    MUSTARD = "moutarde", _("Moutarde")
    SESAME = "sesame", _("Sésame")
    SULPHITES = "sulfites", _("Sulfites")
    LUPIN = "lupin", _("Lupin")
    MOLLUSCS = "mollusques", _("Mollusques")


def allergen_names(codes) -> str:
    """« Arachides, Fruits à coque » for the codes ["arachides", "fruits_a_coque"] (unknown codes left out)."""
    labels = dict(Allergen.choices)
    return ", ".join(str(labels[code]) for code in codes if code in labels)


class PaiKind(models.TextChoices):
    """What a PAI (projet d'accueil individualisé) asks of the canteen."""

    ADAPTED_MEAL = "adapted_meal", _("Repas adapté fourni par la cuisine")
    PACKED_MEAL = "packed_meal", _("Panier repas fourni par la famille")
    EVICTION = "eviction", _("Éviction simple")


class PaiState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REFUSED = "refused", _("Refusé")
    CANCELLED = "cancelled", _("Annulé")


# A parent declares a PAI (pending); an agent validates or refuses it with a reason; the parent or an
# agent cancels it (a PAI that ended, a child who left). Expiry is a date, not a state.
PAI_LIFECYCLE = {
    PaiState.PENDING: {
        PaiState.VALIDATED: {AGENT},
        PaiState.REFUSED: {AGENT},
        PaiState.CANCELLED: {PARENT, AGENT},
    },
    PaiState.VALIDATED: {PaiState.CANCELLED: {PARENT, AGENT}},
    PaiState.REFUSED: {},
    PaiState.CANCELLED: {},
}
