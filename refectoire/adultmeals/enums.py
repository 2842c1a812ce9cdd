from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import ADULT, AGENT


class AdultRole(models.TextChoices):
    TEACHER = "teacher", _("Enseignant(e)")
    ATSEM = "atsem", _("ATSEM")
    ANIMATOR = "animator", _("Animateur ou animatrice")
    OTHER = "other", _("Autre personnel de l'école")


class Employer(models.TextChoices):
    NATIONAL_EDUCATION = "education_nationale", _("Éducation nationale")
    CITY = "ville", _("Ville de Paris")
    CAISSE = "caisse", _("Caisse des écoles")
    OTHER = "other", _("Autre employeur")


class RegistrationState(models.TextChoices):
    SUBMITTED = "submitted", _("En attente de validation")
    VALIDATED = "validated", _("Validée")
    REJECTED = "rejected", _("Refusée")
    ENDED = "ended", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


# A validated registration ends on a last day (`ends_on`, billed up to it); one still waiting for
# validation is cancelled by the adult (never billed).
# from -> {to: who}: an agent validates or rejects; the adult (or an agent) ends or cancels.
REGISTRATION_LIFECYCLE = {
    RegistrationState.SUBMITTED: {
        RegistrationState.VALIDATED: {AGENT},
        RegistrationState.REJECTED: {AGENT},
        RegistrationState.CANCELLED: {ADULT, AGENT},
    },
    RegistrationState.VALIDATED: {RegistrationState.ENDED: {ADULT, AGENT}},
    RegistrationState.REJECTED: {},
    RegistrationState.ENDED: {},
    RegistrationState.CANCELLED: {},
}
ACTIVE_REGISTRATION_STATES = [RegistrationState.SUBMITTED, RegistrationState.VALIDATED]
WEEKDAY_LABELS = {"1": _("lundi"), "2": _("mardi"), "3": _("mercredi"), "4": _("jeudi"), "5": _("vendredi")}
