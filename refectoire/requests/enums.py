from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Demander une correction")
    SITUATION = "situation", _("Changement de situation")
    ILLNESS_REFUND = "illness_refund", _("Remboursement pour maladie")
    RADIATION = "radiation", _("Radiation / déménagement")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Envoyée")
    IN_PROGRESS = "in_progress", _("En cours")
    INCOMPLETE = "incomplete", _("À compléter")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


# The one lifecycle of every request (from -> {to: who}).
REQUEST_LIFECYCLE = {
    RequestState.DRAFT: {RequestState.SUBMITTED: {PARENT}, RequestState.CANCELLED: {PARENT}},
    RequestState.SUBMITTED: {
        RequestState.IN_PROGRESS: {AGENT},
        RequestState.INCOMPLETE: {AGENT},
        RequestState.ACCEPTED: {AGENT},
        RequestState.REFUSED: {AGENT},
        RequestState.CANCELLED: {PARENT},
    },
    RequestState.IN_PROGRESS: {
        RequestState.INCOMPLETE: {AGENT},
        RequestState.ACCEPTED: {AGENT},
        RequestState.REFUSED: {AGENT},
        RequestState.CANCELLED: {PARENT},
    },
    RequestState.INCOMPLETE: {
        RequestState.SUBMITTED: {PARENT},
        RequestState.REFUSED: {AGENT},
        RequestState.CANCELLED: {PARENT},
    },
    RequestState.ACCEPTED: {},
    RequestState.REFUSED: {},
    RequestState.CANCELLED: {},
}


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Changement d'état")
    MESSAGE = "message", _("Message")
    ASSIGNMENT = "assignment", _("Attribution")


class SituationChange(models.TextChoices):
    ADDRESS = "address", _("Nouvelle adresse")
    CONTACT = "contact", _("Nouveau téléphone ou courriel")
    NEW_CHILD = "new_child", _("Un nouvel enfant")
    SEPARATION = "separation", _("Séparation (garde alternée)")
    RESOURCES = "resources", _("Changement de ressources")


class FollowUpKind(models.TextChoices):
    """What an accepted request leaves to another part of the service (enrollment, pricing)."""

    ENROLLMENT_END = "enrollment_end", _("Fin des inscriptions")
    SHARED_CUSTODY = "shared_custody", _("Début de la garde alternée")
    TARIFF_REQUEST = "tariff_request", _("Nouvelle demande de tarif")


# What a separation asks for each child, from its date (the enrollment's custody values).
SEPARATION_CUSTODY = [
    ("full", _("Reste dans mon foyer tout le temps (pas de garde alternée)")),
    ("even", _("Garde alternée : mon foyer garde les semaines paires")),
    ("odd", _("Garde alternée : mon foyer garde les semaines impaires")),
    ("calendar", _("Garde alternée selon un calendrier de garde (joignez-le en PDF)")),
]
