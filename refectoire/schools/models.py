import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.models import TimeStampedModel
from refectoire.schools.enums import CalendarKind, SchoolKind
from refectoire.schools.periods import issue_source

# Weekdays are ISO digits: "12345" = Monday to Friday, "1245" = all but Wednesday.
weekdays_validator = RegexValidator(
    r"^1?2?3?4?5?6?7?$", _("Jours ISO (1 = lundi … 7 = dimanche), dans l'ordre.")
)


class School(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="schools")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=SchoolKind.choices)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    weekdays = models.CharField(
        _("jours de restauration"), max_length=7, default="12345", validators=[weekdays_validator]
    )
    is_active = models.BooleanField(_("en service"), default=True)

    history = HistoricalRecords()
    objects = CaisseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        constraints = [
            models.UniqueConstraint(fields=["caisse", "code"], name="school_code_unique_per_caisse"),
        ]

    def __str__(self):
        return self.name


class SchoolYearQuerySet(CaisseQuerySet):
    def containing(self, day):
        return self.filter(first_day__lte=day, last_day__gte=day)


class SchoolYear(TimeStampedModel):
    """A school year of a Caisse, e.g. 2026-2027 from its first to its last day of class."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="school_years")
    label = models.CharField(_("année scolaire"), max_length=9, help_text=_("Par exemple 2026-2027."))
    first_day = models.DateField(_("jour de la rentrée"))
    last_day = models.DateField(_("dernier jour de classe"))
    enrollment_opens_on = models.DateField(_("ouverture des inscriptions"), null=True, blank=True)
    enrollment_closes_on = models.DateField(_("clôture des inscriptions"), null=True, blank=True)

    history = HistoricalRecords()
    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day"]
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        constraints = [
            models.UniqueConstraint(fields=["caisse", "label"], name="school_year_label_unique_per_caisse"),
            models.CheckConstraint(
                condition=models.Q(last_day__gt=models.F("first_day")),
                name="school_year_last_day_after_first_day",
                violation_error_message=_("Le dernier jour doit suivre le jour de la rentrée."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.first_day and self.last_day and self.last_day <= self.first_day:
            raise ValidationError({"last_day": _("Le dernier jour doit suivre le jour de la rentrée.")})


class CalendarEntryQuerySet(CaisseQuerySet):
    def overlapping(self, start, end):
        return self.filter(first_day__lte=end, last_day__gte=start)


class CalendarEntry(TimeStampedModel):
    """A range of days off in the Caisse's calendar: school holidays or a public holiday.

    Computed with the `holidays` package when a school year is created, then corrected by managers.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="calendar_entries")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="calendar_entries")
    kind = models.CharField(_("type"), max_length=20, choices=CalendarKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))

    history = HistoricalRecords()
    objects = CalendarEntryQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "kind"]
        verbose_name = _("entrée du calendrier")
        verbose_name_plural = _("entrées du calendrier")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="calendar_entry_last_day_after_first_day",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.first_day:%d/%m/%Y} → {self.last_day:%d/%m/%Y})"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("Le dernier jour doit suivre le premier.")})


class ClosureQuerySet(CaisseQuerySet):
    def overlapping(self, start, end):
        return self.filter(first_day__lte=end, last_day__gte=start)


class Closure(TimeStampedModel):
    """Days on which one school, or every school of the Caisse (school empty), serves no meal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="closures")
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Laisser vide pour une fermeture de toutes les écoles de la Caisse."),
        verbose_name=_("établissement"),
    )
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    reason = models.CharField(_("motif"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()
    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day"]
        verbose_name = _("fermeture")
        verbose_name_plural = _("fermetures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_last_day_after_first_day",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        where = self.school.name if self.school_id else _("toutes les écoles")
        return f"{where} : {self.reason}"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("Le dernier jour doit suivre le premier.")})


class BillingPeriodQuerySet(CaisseQuerySet):
    def containing(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def issued(self):
        """The periods whose invoices are issued, annotated with `issued_at` (when their run was)."""
        source = issue_source()
        return self.filter(source.issued).annotate(issued_at=models.F(source.issued_at))


class BillingPeriod(TimeStampedModel):
    """A billing period ("Mars / Avril 2027"): invoices are computed per household and period.

    A period is named by its first month (`2027-03`) on the command line. Once issued (its run, or
    invoices issued whatever the run says: billing answers through `schools.periods`), a period
    never changes: its validation and its save() refuse it, whichever screen or service saves it.
    The table is still `billing_billingperiod` (the model moved from billing, its rows did not).
    """

    # What an issued period keeps.
    FROZEN_FIELDS = (
        "label",
        "start_date",
        "end_date",
        "payment_opens_at",
        "due_date",
        "school_year",
        "caisse",
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="billing_periods")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="billing_periods")
    label = models.CharField(_("libellé"), max_length=100)
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour"))
    payment_opens_at = models.DateTimeField(_("ouverture du paiement en ligne"), null=True, blank=True)
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)

    history = HistoricalRecords(table_name="billing_historicalbillingperiod")
    objects = BillingPeriodQuerySet.as_manager()

    class Meta:
        db_table = "billing_billingperiod"
        ordering = ["start_date"]
        verbose_name = _("période de facturation")
        verbose_name_plural = _("périodes de facturation")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "start_date"], name="billing_period_start_unique_per_caisse"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="billing_period_end_after_start",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def code(self) -> str:
        """`2027-03`: the period named by its first month."""
        return self.start_date.strftime("%Y-%m")

    def is_issued(self) -> bool:
        """Issued (or being issued) by its run, or holding issued invoices whatever the run says."""
        return bool(self.pk) and issue_source().is_frozen(self)

    def _changed_fields(self) -> list[str]:
        """The frozen fields whose value differs from the stored row (none for a new period)."""
        if not self.pk:
            return []
        columns = [self._meta.get_field(name).attname for name in self.FROZEN_FIELDS]
        stored = BillingPeriod.objects.filter(pk=self.pk).values(*columns).first()
        if stored is None:
            return []
        return [
            name
            for name, column in zip(self.FROZEN_FIELDS, columns, strict=True)
            if stored[column] != getattr(self, column)
        ]

    def _issued_changes(self) -> list[str]:
        changed = self._changed_fields()
        return changed if changed and self.is_issued() else []

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Le dernier jour doit suivre le premier.")})
        changed = self._issued_changes()
        if changed:
            # Every screen that saves a period (billing, school years) meets this rule.
            dates = _("Cette période est déjà facturée : ses dates ne peuvent plus changer.")
            other = _("Cette période est déjà facturée : elle ne peut plus changer.")
            raise ValidationError(
                {
                    name if name not in ("school_year", "caisse") else NON_FIELD_ERRORS: (
                        dates if name in ("start_date", "end_date") else other
                    )
                    for name in changed
                }
            )

    def save(self, *args, **kwargs):
        # The guard of every path, full_clean() or not: an issued period never changes.
        if self._issued_changes():
            raise ValidationError(_("Cette période est déjà facturée : elle ne peut plus changer."))
        super().save(*args, **kwargs)


class CanteenStaffQuerySet(CaisseQuerySet):
    def active(self):
        return self.filter(is_active=True)


class CanteenStaff(TimeStampedModel):
    """A canteen staff account (« personnel de restauration ») of one Caisse, for one or more of its
    schools. It is not an agent: it reads the attendance list (pointage) of its schools and the PAI
    of their children, nothing else of the back office (www/backoffice/access.py)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="canteen_staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="canteen_staff_roles"
    )
    schools = models.ManyToManyField(School, related_name="canteen_staff", verbose_name=_("établissements"))
    is_active = models.BooleanField(_("actif"), default=True)

    history = HistoricalRecords(m2m_fields=[schools])
    objects = CanteenStaffQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("personnel de restauration")
        verbose_name_plural = _("personnels de restauration")
        constraints = [
            models.UniqueConstraint(fields=["caisse", "user"], name="canteen_staff_one_per_caisse_and_user"),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
