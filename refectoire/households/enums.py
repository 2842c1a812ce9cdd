from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT


class HouseholdState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REJECTED = "rejected", _("Refusé")


# The household's lifecycle: from -> {to: who}. A correction asked sends it back to draft.
HOUSEHOLD_LIFECYCLE = {
    HouseholdState.DRAFT: {HouseholdState.SUBMITTED: {PARENT}},
    HouseholdState.SUBMITTED: {
        HouseholdState.VALIDATED: {AGENT},
        HouseholdState.DRAFT: {AGENT},
        HouseholdState.REJECTED: {AGENT},
    },
    HouseholdState.VALIDATED: {},
    HouseholdState.REJECTED: {},
}


class GuardianRole(models.TextChoices):
    PRIMARY = "primary", _("Titulaire du compte")
    CO_GUARDIAN = "co_guardian", _("Co-représentant")


class BenefitsRegime(models.TextChoices):
    CAF = "caf", _("CAF")
    MSA = "msa", _("MSA")
    OTHER = "other", _("Autre")


class Sex(models.TextChoices):
    FEMALE = "f", _("Fille")
    MALE = "m", _("Garçon")


class ChangeKind(models.TextChoices):
    ADD_CHILD = "add_child", _("Ajout d'un enfant")
    ADD_CO_GUARDIAN = "add_co_guardian", _("Ajout d'un co-représentant")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACCEPTED = "accepted", _("Validé")
    REFUSED = "refused", _("Refusé")


class HouseholdAction(models.TextChoices):
    CREATED = "created", _("Déclaration commencée")
    SUBMITTED = "submitted", _("Demande envoyée à la Caisse")
    VALIDATED = "validated", _("Foyer validé")
    CORRECTION_ASKED = "correction_asked", _("Correction demandée")
    REJECTED = "rejected", _("Foyer refusé")
    IMPORTED = "imported", _("Foyer importé")
    KEY_LINKED = "key_linked", _("Compte lié par la clé Enfance")
    CHANGE_ASKED = "change_asked", _("Ajout d'un membre demandé")
    CHANGE_ACCEPTED = "change_accepted", _("Ajout d'un membre validé")
    CHANGE_REFUSED = "change_refused", _("Ajout d'un membre refusé")
    AGENT_EDIT = "agent_edit", _("Modifié par un agent pour la famille")
    GUARDIAN_LEFT = "guardian_left", _("Départ d'un représentant (séparation)")
