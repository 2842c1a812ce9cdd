from django.db import models
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")
