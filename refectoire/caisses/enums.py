from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentRoleKind(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Gestionnaire")


class SchoolZone(models.TextChoices):
    A = "A", _("Zone A")
    B = "B", _("Zone B")
    C = "C", _("Zone C")
