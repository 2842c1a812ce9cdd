"""Yearly enrollment of a child at a school's canteen: weekdays, shared custody, rhythm changes,
absences and attendance."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.enrollment.enums import (
    ABSENCE_LIFECYCLE,
    ENROLLMENT_LIFECYCLE,
    PAI_LIFECYCLE,
    RHYTHM_CHANGE_LIFECYCLE,
    AbsenceState,
    Custody,
    EnrollmentAction,
    EnrollmentState,
    PaiKind,
    PaiState,
    RhythmChangeState,
    allergen_names,
    weekday_names,
)
from refectoire.schools.models import weekdays_validator


def new_token():
    return secrets.token_urlsafe(24)


class EnrollmentQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)


class Enrollment(TimeStampedModel):
    """ "Inscription scolaire rentrée 2026-2027": a child of a household at a school for a school year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="enrollments")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="enrollments"
    )
    child = models.ForeignKey("households.Child", on_delete=models.PROTECT, related_name="enrollments")
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="enrollments"
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("établissement"),
    )
    weekdays = models.CharField(_("jours de présence"), max_length=7, validators=[weekdays_validator])
    custody = models.CharField(_("garde"), max_length=10, choices=Custody.choices, default=Custody.FULL)
    custody_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour"))
    state = models.CharField(
        _("état"), max_length=20, choices=EnrollmentState.choices, default=EnrollmentState.ACTIVE
    )
    cancelled_reason = models.CharField(_("motif de la désinscription"), max_length=300, blank=True)
    # The secret of the iCalendar feed of this enrollment's meal days.
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "child__first_name"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            # One enrollment per child, household and year, or successive ones when the custody
            # changes during the year (a separation): the services keep their periods apart.
            models.UniqueConstraint(
                fields=["household", "child", "school_year", "start_date"],
                name="enrollment_one_per_child_household_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")) | Q(state=EnrollmentState.CANCELLED),
                name="enrollment_end_after_start",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        return f"{self.child} — {self.school} ({self.school_year})"

    @property
    def title(self) -> str:
        return _("Inscription scolaire rentrée %(year)s") % {"year": self.school_year.label}

    def get_weekdays_display(self) -> str:
        return weekday_names(self.weekdays)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Le dernier jour doit suivre le premier.")})


class EnrollmentEvent(TransitionEvent):
    """One row per change of an enrollment's lifecycle: who, when, what and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=EnrollmentState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=EnrollmentState.choices, blank=True)
    action = models.CharField(_("action"), max_length=50, choices=EnrollmentAction.choices)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.enrollment} — {self.action}"


class RhythmChange(TimeStampedModel):
    """ "Changer le rythme": new weekdays, in force from `starts_on` once an agent validated them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="rhythm_changes")
    weekdays = models.CharField(_("nouveaux jours"), max_length=7, validators=[weekdays_validator])
    state = models.CharField(
        _("état"), max_length=20, choices=RhythmChangeState.choices, default=RhythmChangeState.PENDING
    )
    starts_on = models.DateField(_("en vigueur à partir du"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(_("message"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("changement de rythme")
        verbose_name_plural = _("changements de rythme")

    def __str__(self):
        return f"{self.enrollment} : {self.get_weekdays_display()}"

    def get_weekdays_display(self) -> str:
        return weekday_names(self.weekdays)


class ChildLink(TimeStampedModel):
    """Shared custody: the same child known in two households of the Caisse, linked by an agent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="child_links")
    child_a = models.OneToOneField("households.Child", on_delete=models.CASCADE, related_name="link_as_a")
    child_b = models.OneToOneField("households.Child", on_delete=models.CASCADE, related_name="link_as_b")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enfant en garde alternée")
        verbose_name_plural = _("enfants en garde alternée")

    def __str__(self):
        return f"{self.child_a} ↔ {self.child_b}"

    def children(self):
        return [self.child_a, self.child_b]


class CustodyWeek(models.Model):
    """One week (its Monday) of a custody calendar, given to one household of a linked child."""

    link = models.ForeignKey(ChildLink, on_delete=models.CASCADE, related_name="weeks")
    monday = models.DateField()
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["monday"]
        constraints = [models.UniqueConstraint(fields=["link", "monday"], name="custody_week_one_household")]

    def __str__(self):
        return f"{self.monday:%d/%m/%Y} : {self.household_id}"


class AbsenceRules(TimeStampedModel):
    """A Caisse's rules for the absences parents declare: the notice ("délai de prévenance").

    An absence is declared in time when it is sent before `notice_time` on the working day
    (Monday to Friday, not a public holiday) that comes `notice_days` working days before its
    first day; 0 means the first day itself.
    """

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="absence_rules")
    notice_days = models.PositiveSmallIntegerField(
        _("délai de prévenance (jours ouvrés)"),
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_("1 : au plus tard le jour ouvré qui précède le premier jour d'absence."),
    )
    notice_time = models.TimeField(
        _("avant l'heure"), default=datetime.time(12, 0), help_text=_("Par exemple 12:00 pour midi.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règles des absences")
        verbose_name_plural = _("règles des absences")

    def __str__(self):
        return f"{self.caisse}: {self.notice_days} j. avant {self.notice_time:%H:%M}"


class AbsenceReasonQuerySet(CaisseQuerySet):
    def active(self):
        return self.filter(is_active=True)


class AbsenceReason(TimeStampedModel):
    """A reason a parent can give for an absence; some are accepted at once when the notice is kept."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="absence_reasons")
    label = models.CharField(_("motif"), max_length=100)
    auto_accept = models.BooleanField(
        _("acceptée automatiquement si le délai est respecté"),
        default=False,
        help_text=_("Sinon, un agent accepte ou refuse l'absence."),
    )
    is_illness = models.BooleanField(
        _("maladie"),
        default=False,
        help_text=_("Hors délai, le formulaire renvoie vers la demande de remboursement pour maladie."),
    )
    is_active = models.BooleanField(_("proposé aux familles"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()
    objects = AbsenceReasonQuerySet.as_manager()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("motif d'absence")
        verbose_name_plural = _("motifs d'absence")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "label"],
                name="absence_reason_label_unique_per_caisse",
                violation_error_message=_("Ce motif existe déjà."),
            ),
        ]

    def __str__(self):
        return self.label


class AbsenceQuerySet(CaisseQuerySet):
    caisse_path = "household__caisse"

    def for_household(self, household):
        return self.filter(household__caisse_id=household.caisse_id, household=household)

    def live(self):
        """The absences that still count: waiting or accepted."""
        return self.filter(state__in=[AbsenceState.PENDING, AbsenceState.ACCEPTED])

    def overlapping(self, first, last):
        return self.filter(first_day__lte=last, last_day__gte=first)


class Absence(TimeStampedModel):
    """Days a child will not eat at the canteen; once accepted they are neither expected nor billed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="absences")
    child = models.ForeignKey("households.Child", on_delete=models.CASCADE, related_name="absences")
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    reason = models.ForeignKey(
        AbsenceReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absences",
        verbose_name=_("motif"),
    )
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=AbsenceState.choices, default=AbsenceState.PENDING, db_index=True
    )
    notice_kept = models.BooleanField(_("délai de prévenance respecté"), default=True)
    auto_accepted = models.BooleanField(_("acceptée automatiquement"), default=False)
    meal_count = models.PositiveSmallIntegerField(_("repas prévus couverts"), default=0)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_agent = models.BooleanField(_("saisie par un agent"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(_("motif de la décision"), blank=True)

    history = HistoricalRecords()
    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="absence_last_day_after_first_day",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        return f"{self.child} : {self.first_day:%d/%m/%Y} → {self.last_day:%d/%m/%Y}"

    @property
    def state_label(self) -> str:
        if self.state == AbsenceState.ACCEPTED and self.auto_accepted:
            return str(_("Acceptée automatiquement"))
        return self.get_state_display()

    @property
    def reason_label(self) -> str:
        return self.reason.label if self.reason_id else ""


class AbsenceEvent(TransitionEvent):
    """One row per transition of an absence: who, when, what and why."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=AbsenceState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=AbsenceState.choices)
    action = models.CharField(_("action"), max_length=50)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.absence} — {self.action}"


class Attendance(TimeStampedModel):
    """ "Pointage": whether a child actually ate at the school's canteen on a day."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    day = models.DateField()
    present = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "day"], name="attendance_one_per_day")]

    def __str__(self):
        return f"{self.enrollment} {self.day:%d/%m/%Y} : {self.present}"


class MealOptionQuerySet(CaisseQuerySet):
    def active(self):
        return self.filter(is_active=True)


class MealOption(TimeStampedModel):
    """A meal the Caisse offers besides the standard one (« Repas sans viande »): about food only,
    never about religion or belief (docs/menus.md says why; `validate_meal_option_label`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="meal_options")
    label = models.CharField(_("intitulé"), max_length=80)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposé aux familles"), default=True)

    history = HistoricalRecords()
    objects = MealOptionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("option de repas")
        verbose_name_plural = _("options de repas")
        constraints = [models.UniqueConstraint(fields=["caisse", "label"], name="meal_option_unique_label")]

    def __str__(self):
        return self.label


class MealOptionChoice(TimeStampedModel):
    """The meal option of an enrollment from `starts_on` (no option: the standard meal). The choice in
    force on a day is the latest one starting on or before it."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="meal_option_choices")
    option = models.ForeignKey(MealOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    starts_on = models.DateField(_("à partir du"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "starts_on"], name="meal_option_choice_one_per_start"
            )
        ]

    def __str__(self):
        return f"{self.enrollment} : {self.option or '—'} ({self.starts_on:%d/%m/%Y})"


class PaiQuerySet(CaisseQuerySet):
    def validated(self):
        return self.filter(state=PaiState.VALIDATED)

    def in_force(self, day):
        """Validated PAI whose validity covers `day`."""
        return self.validated().filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, start, end):
        return self.validated().filter(starts_on__lte=end, ends_on__gte=start)


class Pai(TimeStampedModel):
    """A child's PAI (projet d'accueil individualisé) as it concerns the canteen: health data, seen
    only by the family and the Caisse's agents (every agent's view is in the access log)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="pais")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="pais")
    child = models.ForeignKey("households.Child", on_delete=models.PROTECT, related_name="pais")
    kind = models.CharField(_("type de PAI"), max_length=20, choices=PaiKind.choices)
    allergens = models.JSONField(_("allergènes concernés"), default=list, blank=True)
    starts_on = models.DateField(_("valable du"))
    ends_on = models.DateField(_("valable jusqu'au"))
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("état"), max_length=20, choices=PaiState.choices, default=PaiState.PENDING)
    reason = models.TextField(_("motif"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PaiQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        verbose_name = _("PAI")
        verbose_name_plural = _("PAI")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="pai_end_after_start",
                violation_error_message=_("La fin de validité doit suivre son début."),
            ),
        ]

    def __str__(self):
        return f"PAI {self.child} ({self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y})"

    @property
    def allergen_names(self) -> str:
        return allergen_names(self.allergens)


class PaiEvent(TransitionEvent):
    """One row per change of a PAI's lifecycle."""

    pai = models.ForeignKey(Pai, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=PaiState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=PaiState.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


register(
    Enrollment,
    Lifecycle(
        states=EnrollmentState,
        table=ENROLLMENT_LIFECYCLE,
        event_model=EnrollmentEvent,
        event_field="enrollment",
        refused=_("Cette inscription est déjà annulée."),
    ),
)
register(
    RhythmChange,
    Lifecycle(
        states=RhythmChangeState,
        table=RHYTHM_CHANGE_LIFECYCLE,
        event_model=EnrollmentEvent,
        event_field="enrollment",
        refused=_("Ce changement de rythme a déjà été traité."),
        event_owner="enrollment",
        records_states=False,
    ),
)
register(
    Absence,
    Lifecycle(
        states=AbsenceState,
        table=ABSENCE_LIFECYCLE,
        event_model=AbsenceEvent,
        event_field="absence",
        refused=_("Cette absence est « %(state)s » : elle ne peut plus changer ainsi."),
    ),
)
register(
    Pai,
    Lifecycle(
        states=PaiState,
        table=PAI_LIFECYCLE,
        event_model=PaiEvent,
        event_field="pai",
        refused=_("Ce PAI est « %(state)s » : il ne peut plus changer ainsi."),
    ),
)
