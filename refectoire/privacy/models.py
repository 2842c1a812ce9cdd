"""Personal data: the Caisse's settings (retention, DPO, notice), the families' exports and erasure
requests, the holds agents put on an anonymisation, and the log of anonymisations."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.core.validators import EDITORIAL_TEXT_MAX, validate_editorial_text, validate_free_text
from refectoire.privacy.enums import (
    ERASURE_LIFECYCLE,
    EXPORT_LIFECYCLE,
    AnonymisationTrigger,
    ErasureState,
    ExportState,
)

# The lawful defaults (docs/data-retention.md).
DEFAULT_INACTIVE_YEARS = 2
DEFAULT_ACCOUNTING_YEARS = 10
DEFAULT_ACCESS_LOG_DAYS = 365
EXPORT_DAYS = 7
NOTICE_DAYS = 30  # households due for anonymisation are shown to the agents this long ahead


class PrivacySettings(TimeStampedModel):
    """A Caisse's personal-data settings: its DPO, its notice, and how long it keeps what."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="privacy_settings")
    dpo_name = models.CharField(_("délégué à la protection des données (DPO)"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("courriel du DPO"), blank=True)
    dpo_address = models.TextField(_("adresse postale du DPO"), blank=True, max_length=500)
    notice_text = models.TextField(
        _("texte de la page « Données personnelles »"),
        blank=True,
        max_length=EDITORIAL_TEXT_MAX,
        validators=[validate_editorial_text],
        help_text=_("Laissez vide pour afficher le texte par défaut, conforme pour une Caisse des écoles."),
    )
    inactive_years = models.PositiveSmallIntegerField(
        _("anonymiser un foyer inactif depuis (années)"),
        default=DEFAULT_INACTIVE_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    accounting_years = models.PositiveSmallIntegerField(
        _("conservation des pièces comptables (années)"),
        default=DEFAULT_ACCOUNTING_YEARS,
        validators=[MinValueValidator(10), MaxValueValidator(30)],
    )
    access_log_days = models.PositiveSmallIntegerField(
        _("conservation du journal des consultations (jours)"),
        default=DEFAULT_ACCESS_LOG_DAYS,
        validators=[MinValueValidator(180), MaxValueValidator(1095)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réglages des données personnelles")
        verbose_name_plural = _("réglages des données personnelles")

    def __str__(self):
        return str(self.caisse)


def export_path(instance, filename):
    # A random name: nothing can be guessed from the storage.
    return f"exports/{instance.caisse_id}/{uuid.uuid4().hex}.zip"


class DataExportQuerySet(CaisseQuerySet):
    def for_owner(self, user, household):
        return self.filter(caisse_id=household.caisse_id, household=household, owner=user)


class DataExport(TimeStampedModel):
    """« Télécharger mes données »: one ZIP built by the worker, for its owner only, once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        _("état"), max_length=20, choices=ExportState.choices, default=ExportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    file = models.FileField(upload_to=export_path, max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"export {self.uuid}"


class DataExportEvent(TransitionEvent):
    export = models.ForeignKey(DataExport, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=ExportState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ExportState.choices)


class ErasureRequestQuerySet(CaisseQuerySet):
    def open(self):
        return self.filter(state=ErasureState.SUBMITTED)


class ErasureRequest(TimeStampedModel):
    """« Demander la suppression de mon compte »: decided by an agent; accepted, the account is
    closed and the household anonymised."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("état"), max_length=20, choices=ErasureState.choices, default=ErasureState.SUBMITTED
    )
    message = models.TextField(_("votre message (facultatif)"), blank=True, validators=[validate_free_text])
    decision_message = models.TextField(
        _("réponse de la Caisse"), blank=True, validators=[validate_free_text]
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ErasureRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(state="submitted"),
                name="privacy_one_open_erasure_request",
                violation_error_message=_("Une demande de suppression est déjà en cours."),
            )
        ]

    def __str__(self):
        return f"erasure {self.uuid}"


class ErasureRequestEvent(TransitionEvent):
    request = models.ForeignKey(ErasureRequest, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=ErasureState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ErasureState.choices)


class AnonymisationHold(TimeStampedModel):
    """An agent keeps a household from being anonymised, with a reason (a debt being collected)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("motif"), max_length=300)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(lifted_at__isnull=True),
                name="privacy_one_active_hold",
                violation_error_message=_("Ce foyer est déjà suspendu."),
            )
        ]

    def __str__(self):
        return f"hold {self.household_id}: {self.reason}"


class Anonymisation(models.Model):
    """One anonymisation of a household: when, why, what was changed (category → rows)."""

    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    trigger = models.CharField(max_length=20, choices=AnonymisationTrigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    counts = models.JSONField(default=dict)
    # While the household's invoices and payments are within the accounting retention, the
    # debtor's name and address stay until this day; the purge erases them then.
    debtor_kept_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.household_id} · {self.get_trigger_display()} · {self.at:%d/%m/%Y}"


register(
    DataExport,
    Lifecycle(
        states=ExportState,
        table=EXPORT_LIFECYCLE,
        event_model=DataExportEvent,
        event_field="export",
        refused=_("Cet export ne peut pas passer de « %(from)s » à « %(to)s »."),
    ),
)
register(
    ErasureRequest,
    Lifecycle(
        states=ErasureState,
        table=ERASURE_LIFECYCLE,
        event_model=ErasureRequestEvent,
        event_field="request",
        refused=_("Cette demande ne peut pas passer de « %(from)s » à « %(to)s »."),
    ),
)
