from django.db import models
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")


class AccessKind(models.TextChoices):
    """What an agent looked at, in the access log (personal data a family may ask about)."""

    HOUSEHOLD = "household", _("Dossier famille")
    CHILD = "child", _("Enfant")
    TARIFF_REQUEST = "tariff_request", _("Demande de tarif (revenus)")
    PAI = "pai", _("PAI (santé)")
    DOCUMENT = "document", _("Document")
    IBAN = "iban", _("IBAN complet")
