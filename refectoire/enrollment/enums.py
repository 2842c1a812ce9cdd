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
