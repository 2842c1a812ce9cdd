"""The scopes of a partner's API token: one per kind of data it may read or write."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    FORECAST_READ = "forecast:read", _("Effectifs prévus (lecture)")
    ATTENDANCE_READ = "attendance:read", _("Pointage (lecture)")
    ATTENDANCE_WRITE = "attendance:write", _("Pointage (écriture)")
    ENROLLMENTS_READ = "enrollments:read", _("Enfants inscrits : prénom et nom (lecture)")
    CALENDAR_READ = "calendar:read", _("Calendrier : jours d'école et fermetures (lecture)")
    TARIFFS_READ = "tariffs:read", _("Grilles tarifaires (lecture)")
