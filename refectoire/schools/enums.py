from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolKind(models.TextChoices):
    MATERNELLE = "maternelle", _("Maternelle")
    ELEMENTAIRE = "elementaire", _("Élémentaire")
    POLYVALENTE = "polyvalente", _("Polyvalente")


class CalendarKind(models.TextChoices):
    SCHOOL_HOLIDAY = "school_holiday", _("Vacances scolaires")
    PUBLIC_HOLIDAY = "public_holiday", _("Jour férié")
