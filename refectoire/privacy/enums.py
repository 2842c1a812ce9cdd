from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT, SYSTEM


class ExportState(models.TextChoices):
    QUEUED = "queued", _("En attente")
    BUILDING = "building", _("En préparation")
    READY = "ready", _("Prêt à télécharger")
    DOWNLOADED = "downloaded", _("Téléchargé")
    EXPIRED = "expired", _("Expiré")
    FAILED = "failed", _("Échec")


# A family's data export (from -> {to: who}): built by the worker, downloaded once by its owner,
# expired (file deleted) after 7 days or once downloaded.
EXPORT_LIFECYCLE = {
    ExportState.QUEUED: {ExportState.BUILDING: {SYSTEM}, ExportState.FAILED: {SYSTEM}},
    ExportState.BUILDING: {ExportState.READY: {SYSTEM}, ExportState.FAILED: {SYSTEM}},
    ExportState.READY: {ExportState.DOWNLOADED: {PARENT}, ExportState.EXPIRED: {SYSTEM}},
    ExportState.DOWNLOADED: {ExportState.EXPIRED: {SYSTEM}},
    ExportState.EXPIRED: {},
    ExportState.FAILED: {},
}


class ErasureState(models.TextChoices):
    SUBMITTED = "submitted", _("Envoyée")
    ACCEPTED = "accepted", _("Acceptée : compte fermé")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


# A family's request to close its account and erase its data (from -> {to: who}).
ERASURE_LIFECYCLE = {
    ErasureState.SUBMITTED: {
        ErasureState.ACCEPTED: {AGENT},
        ErasureState.REFUSED: {AGENT},
        ErasureState.CANCELLED: {PARENT},
    },
    ErasureState.ACCEPTED: {},
    ErasureState.REFUSED: {},
    ErasureState.CANCELLED: {},
}


class AnonymisationTrigger(models.TextChoices):
    INACTIVITY = "inactivity", _("Durée de conservation atteinte")
    REQUEST = "request", _("Demande de la famille")
    ACCOUNTING = "accounting", _("Fin de la conservation comptable")
