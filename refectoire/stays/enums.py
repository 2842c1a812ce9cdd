from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT, PARENT, SYSTEM


class SchoolLevel(models.TextChoices):
    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("CP")
    CE1 = "CE1", _("CE1")
    CE2 = "CE2", _("CE2")
    CM1 = "CM1", _("CM1")
    CM2 = "CM2", _("CM2")


class ChoiceState(models.TextChoices):
    """The state of a child's wish for one stay (one of the up to 3 ranked choices)."""

    SUBMITTED = "submitted", _("Déposée")
    WAITING = "waiting", _("En liste d'attente")
    ALLOCATED = "allocated", _("Retenue")
    CONFIRMED = "confirmed", _("Confirmée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


# The lifecycle of a choice (from -> {to: who}): the allocation (lottery, waiting list, places
# released, delays passed, other wishes ending) is the system's; an agent refuses; the family
# confirms; the family or an agent withdraws.
CHOICE_LIFECYCLE = {
    ChoiceState.SUBMITTED: {
        ChoiceState.ALLOCATED: {SYSTEM},
        ChoiceState.WAITING: {SYSTEM},
        ChoiceState.REFUSED: {AGENT},
        ChoiceState.CANCELLED: {PARENT, AGENT, SYSTEM},
    },
    ChoiceState.WAITING: {
        ChoiceState.ALLOCATED: {SYSTEM},
        ChoiceState.REFUSED: {AGENT},
        ChoiceState.CANCELLED: {PARENT, AGENT, SYSTEM},
    },
    ChoiceState.ALLOCATED: {ChoiceState.CONFIRMED: {PARENT}, ChoiceState.CANCELLED: {PARENT, AGENT, SYSTEM}},
    ChoiceState.CONFIRMED: {ChoiceState.CANCELLED: {PARENT, AGENT, SYSTEM}},
    ChoiceState.REFUSED: {},
    ChoiceState.CANCELLED: {},
}

# States in which a choice is still alive (counts against "one wish per child and stay").
ACTIVE_CHOICE_STATES = [
    ChoiceState.SUBMITTED,
    ChoiceState.WAITING,
    ChoiceState.ALLOCATED,
    ChoiceState.CONFIRMED,
]
# States that hold a place of the stay's capacity.
PLACE_STATES = [ChoiceState.ALLOCATED, ChoiceState.CONFIRMED]


class RequiredDocument(models.TextChoices):
    """Documents a stay may require; values are the matching documents.enums.DocumentKind."""

    HEALTH_FORM = "health_form", _("Fiche sanitaire")
    VACCINATION = "vaccination", _("Certificat de vaccination")
