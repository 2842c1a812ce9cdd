"""The scopes of a partner's API token: one per kind of data it may read or write."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.lifecycle import AGENT


class ApiScope(models.TextChoices):
    FORECAST_READ = "forecast:read", _("Effectifs prévus (lecture)")
    ATTENDANCE_READ = "attendance:read", _("Pointage (lecture)")
    ATTENDANCE_WRITE = "attendance:write", _("Pointage (écriture)")
    ENROLLMENTS_READ = "enrollments:read", _("Enfants inscrits : prénom et nom (lecture)")
    CALENDAR_READ = "calendar:read", _("Calendrier : jours d'école et fermetures (lecture)")
    TARIFFS_READ = "tariffs:read", _("Grilles tarifaires (lecture)")
    MENUS_READ = "menus:read", _("Menus publiés (lecture)")


class ApiTokenState(models.TextChoices):
    ACTIVE = "active", _("Actif")
    REVOKED = "revoked", _("Révoqué")


# A token is made active; a manager revokes it, for good (an expired token stays active: its date
# stops it). The table of core.lifecycle: from -> {to: who}.
API_TOKEN_LIFECYCLE = {
    ApiTokenState.ACTIVE: {ApiTokenState.REVOKED: {AGENT}},
    ApiTokenState.REVOKED: {},
}
