from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REJECTED = "rejected", _("Refusé")


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
