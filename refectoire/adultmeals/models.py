"""Adult meals (restauration adulte): school staff registered to eat at the canteen, billed per meal."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.adultmeals.enums import (
    ACTIVE_REGISTRATION_STATES,
    REGISTRATION_LIFECYCLE,
    WEEKDAY_LABELS,
    AdultRole,
    Employer,
    RegistrationState,
)
from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.schools.models import weekdays_validator


class AdultRegistrationQuerySet(CaisseQuerySet):
    def for_user(self, user, caisse):
        if not user.is_authenticated:
            return self.none()
        return self.filter(caisse=caisse, user=user)


class AdultRegistration(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="adult_registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adult_registrations"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="adult_registrations")
    role = models.CharField(_("fonction"), max_length=20, choices=AdultRole.choices)
    employer = models.CharField(_("employeur"), max_length=30, choices=Employer.choices)
    employer_name = models.CharField(
        _("nom de l'employeur"), max_length=200, blank=True, help_text=_("Si « Autre employeur ».")
    )
    weekdays = models.CharField(_("jours de repas"), max_length=7, validators=[weekdays_validator])
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=RegistrationState.choices,
        default=RegistrationState.SUBMITTED,
        db_index=True,
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("motif"), blank=True)

    history = HistoricalRecords()
    objects = AdultRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inscription à la restauration adulte")
        verbose_name_plural = _("inscriptions à la restauration adulte")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "user", "school"],
                condition=Q(state__in=ACTIVE_REGISTRATION_STATES),
                name="adult_registration_one_active_per_school",
                violation_error_message=_("Une inscription est déjà en cours pour cet établissement."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="adult_registration_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.school}"

    @property
    def weekday_labels(self) -> str:
        return ", ".join(str(WEEKDAY_LABELS[d]) for d in self.weekdays if d in WEEKDAY_LABELS)

    @property
    def employer_display(self) -> str:
        return (
            self.employer_name
            if self.employer == Employer.OTHER and self.employer_name
            else self.get_employer_display()
        )


class AdultRegistrationEvent(TransitionEvent):
    registration = models.ForeignKey(AdultRegistration, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=RegistrationState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=RegistrationState.choices)
    message = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.registration} — {self.from_state} → {self.to_state}"


class AdultExtraMeal(TimeStampedModel):
    """Meals eaten off-schedule by a registered adult, counted per day by an agent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(AdultRegistration, on_delete=models.PROTECT, related_name="extra_meals")
    day = models.DateField(_("jour"))
    count = models.PositiveSmallIntegerField(_("nombre de repas"), validators=[MinValueValidator(1)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name = _("repas adulte hors planning")
        verbose_name_plural = _("repas adultes hors planning")
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="adult_extra_meal_one_per_day"),
            models.CheckConstraint(condition=Q(count__gte=1), name="adult_extra_meal_count_positive"),
        ]

    def __str__(self):
        return f"{self.registration} — {self.day:%d/%m/%Y} : {self.count}"


register(
    AdultRegistration,
    Lifecycle(
        states=RegistrationState,
        table=REGISTRATION_LIFECYCLE,
        event_model=AdultRegistrationEvent,
        event_field="registration",
        refused=_("Cette inscription ne peut plus changer d'état ainsi."),
    ),
)
