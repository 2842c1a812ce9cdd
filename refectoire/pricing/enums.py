from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT


class TariffRequestState(models.TextChoices):
    SENT = "sent", _("Envoyée")
    IN_REVIEW = "in_review", _("En cours")
    NEEDS_INFO = "needs_info", _("À compléter")
    DECIDED = "decided", _("Décidée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


# The tariff request's lifecycle (from -> {to: who}). A decision can be corrected: a new decision
# is recorded from its own start date (decided -> decided), a refusal replaced by a decision.
TARIFF_REQUEST_LIFECYCLE = {
    TariffRequestState.SENT: {
        TariffRequestState.IN_REVIEW: {AGENT},
        TariffRequestState.NEEDS_INFO: {AGENT},
        TariffRequestState.DECIDED: {AGENT},
        TariffRequestState.REFUSED: {AGENT},
        TariffRequestState.CANCELLED: {PARENT},
    },
    TariffRequestState.IN_REVIEW: {
        TariffRequestState.NEEDS_INFO: {AGENT},
        TariffRequestState.DECIDED: {AGENT},
        TariffRequestState.REFUSED: {AGENT},
        TariffRequestState.CANCELLED: {PARENT},
    },
    TariffRequestState.NEEDS_INFO: {
        TariffRequestState.SENT: {PARENT},
        TariffRequestState.CANCELLED: {PARENT},
    },
    TariffRequestState.DECIDED: {TariffRequestState.DECIDED: {AGENT}, TariffRequestState.REFUSED: {AGENT}},
    TariffRequestState.REFUSED: {TariffRequestState.DECIDED: {AGENT}},
    TariffRequestState.CANCELLED: {},
}


class TariffRequestReason(models.TextChoices):
    """Why a tariff request exists: the year's request, or one that supersedes it (change of resources)."""

    YEARLY = "yearly", _("Demande de l'année")
    RESOURCES_CHANGE = "resources_change", _("Changement de ressources")


class IncomeSource(models.TextChoices):
    """What the parent gives to compute the family quotient."""

    CAF_ATTESTATION = "caf", _("Attestation CAF ou MSA indiquant le quotient familial")
    TAX_NOTICE = "tax", _("Avis d'imposition (revenu fiscal de référence)")
    MONTHLY_RESOURCES = "monthly", _("Ressources mensuelles")
    API_PARTICULIER = "api", _("Quotient familial transmis par la CAF (API Particulier)")


class DecisionSource(models.TextChoices):
    REQUEST = "request", _("Demande de tarif")
    REFUSAL = "refusal", _("Demande refusée")
    IMPORT = "import", _("Reprise des familles")


class ApiParticulierVersion(models.TextChoices):
    V2 = "v2", _("API Particulier v2")
    V3 = "v3", _("API Particulier v3")


class PackedMealPricing(models.TextChoices):
    """How a grid prices a « panier repas » day (a validated PAI whose meal the family brings)."""

    FIXED = "fixed", _("Montant fixe")
    SHARE = "share", _("Part du prix du repas de la tranche")
