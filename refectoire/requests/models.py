"""Requests (demandes) of a household and their one lifecycle (credits for illness refunds are billing's)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, can_move, register
from refectoire.core.models import TimeStampedModel
from refectoire.core.validators import validate_free_text
from refectoire.households.models import Household
from refectoire.requests.enums import REQUEST_LIFECYCLE, EventKind, FollowUpKind, RequestKind, RequestState

CLOSED_STATES = frozenset({RequestState.ACCEPTED, RequestState.REFUSED, RequestState.CANCELLED})
OPEN_STATES = frozenset({RequestState.SUBMITTED, RequestState.IN_PROGRESS, RequestState.INCOMPLETE})

# What the parent reads as "the next step", per state.
NEXT_STEP = {
    RequestState.DRAFT: _("Vérifiez votre demande puis envoyez-la à la Caisse."),
    RequestState.SUBMITTED: _("La Caisse va étudier votre demande."),
    RequestState.IN_PROGRESS: _("Un agent de la Caisse étudie votre demande."),
    RequestState.INCOMPLETE: _("Complétez votre demande : la Caisse attend une réponse ou un document."),
    RequestState.ACCEPTED: _("Votre demande a été acceptée. Aucune démarche de plus."),
    RequestState.REFUSED: _("Votre demande a été refusée : le motif figure dans l'historique."),
    RequestState.CANCELLED: _("Vous avez annulé cette demande."),
}


class RequestQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)

    def for_user(self, user, caisse):
        return self.filter(caisse=caisse, household__in=Household.objects.for_user(user, caisse))

    def visible_to_agents(self):
        return self.exclude(state=RequestState.DRAFT)


class Request(TimeStampedModel):
    """A request (demande) of a household: one lifecycle whatever its kind."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="requests")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="requests")
    children = models.ManyToManyField("households.Child", blank=True, related_name="requests")
    kind = models.CharField(_("type de demande"), max_length=30, choices=RequestKind.choices, db_index=True)
    state = models.CharField(
        _("état"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT, db_index=True
    )
    # What the parent typed, as the form cleaned it (dates as ISO strings).
    data = models.JSONField(_("données de la demande"), default=dict, blank=True)
    attachments = models.ManyToManyField("documents.Document", blank=True, related_name="requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent chargé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.household}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def next_step(self):
        return NEXT_STEP[RequestState(self.state)]

    def can_move(self, to_state, *, by) -> bool:
        return can_move(self, to_state, by=by)


class RequestEvent(TransitionEvent):
    """One row per transition, message or assignment of a request: who, when, what and why."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    by_agent = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, choices=RequestState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=RequestState.choices, blank=True)
    message = models.TextField(_("message"), blank=True, validators=[validate_free_text])
    attachments = models.ManyToManyField("documents.Document", blank=True, related_name="request_events")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement de la demande")
        verbose_name_plural = _("événements des demandes")

    def __str__(self):
        return f"{self.request} — {self.kind} {self.to_state}"


class FollowUp(TimeStampedModel):
    """What an accepted request leaves to enrollment or pricing, until their services take it.

    Radiation → end of the enrollments on a day; separation → shared custody from a day;
    change of resources → a new tariff request. `done_at` is set once the owning app applied it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="follow_ups")
    child = models.ForeignKey(
        "households.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("suite"), max_length=30, choices=FollowUpKind.choices)
    effective_date = models.DateField(_("à compter du"), null=True, blank=True)
    done_at = models.DateTimeField(_("appliquée le"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("suite d'une demande")
        verbose_name_plural = _("suites des demandes")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.household}"


register(
    Request,
    Lifecycle(
        states=RequestState,
        table=REQUEST_LIFECYCLE,
        event_model=RequestEvent,
        event_field="request",
        refused=_("Cette demande ne peut pas passer de « %(from)s » à « %(to)s »."),
    ),
)
