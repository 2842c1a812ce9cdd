import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.models import TimeStampedModel
from refectoire.schools.enums import CalendarKind, SchoolKind

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
