"""Holiday stays (séjours de vacances): the catalogue, the children's wishes and the allocation."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.core.money import format_euros
from refectoire.core.translated import content_translation
from refectoire.core.validators import FREE_TEXT_MAX, validate_free_text, validate_phone
from refectoire.stays.enums import (
    ACTIVE_CHOICE_STATES,
    CHOICE_LIFECYCLE,
    ChoiceState,
    RequiredDocument,
    SchoolLevel,
)

BRACKETS = range(1, 11)


class HolidayStayQuerySet(CaisseQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_on(self, day):
        return self.filter(application_opens_on__lte=day, application_closes_on__gte=day)


class HolidayStay(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="holiday_stays")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, max_length=FREE_TEXT_MAX, validators=[validate_free_text]
    )
    title_en = content_translation(title, "en")
    description_en = content_translation(description, "en")
    title_ar = content_translation(title, "ar")
    description_ar = content_translation(description, "ar")
    place = models.CharField(_("lieu"), max_length=200)
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour"))
    age_min = models.PositiveSmallIntegerField(
        _("âge minimum"),
        help_text=_("Âge révolu le premier jour du séjour."),
        validators=[MaxValueValidator(18)],
    )
    age_max = models.PositiveSmallIntegerField(
        _("âge maximum"),
        help_text=_("Âge révolu le premier jour du séjour."),
        validators=[MaxValueValidator(18)],
    )
    # Codes of SchoolLevel; empty: every level.
    school_levels = models.JSONField(_("niveaux scolaires"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    fixed_price = models.DecimalField(
        _("prix fixe"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Laisser vide pour un prix selon la tranche tarifaire du foyer."),
    )
    application_opens_on = models.DateField(_("ouverture des demandes"))
    application_closes_on = models.DateField(_("clôture des demandes"))
    confirmation_days = models.PositiveSmallIntegerField(
        _("délai de confirmation (jours)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Les familles dont l'enfant est retenu confirment dans ce délai, sinon la place est proposée à la liste d'attente."
        ),
    )
    requires_health_form = models.BooleanField(_("fiche sanitaire demandée"), default=True)
    requires_vaccination = models.BooleanField(_("certificat de vaccination demandé"), default=True)
    is_published = models.BooleanField(_("publié"), default=False)

    history = HistoricalRecords()
    objects = HolidayStayQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "title"]
        verbose_name = _("séjour de vacances")
        verbose_name_plural = _("séjours de vacances")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="stay_end_after_start",
                violation_error_message=_("Le dernier jour doit suivre le premier."),
            ),
            models.CheckConstraint(
                condition=Q(age_max__gte=F("age_min")),
                name="stay_age_range",
                violation_error_message=_("L'âge maximum doit être au moins l'âge minimum."),
            ),
            models.CheckConstraint(
                condition=Q(application_closes_on__gte=F("application_opens_on")),
                name="stay_window_order",
                violation_error_message=_("La clôture des demandes doit suivre leur ouverture."),
            ),
            models.CheckConstraint(
                condition=Q(application_closes_on__lt=F("start_date")),
                name="stay_window_before_start",
                violation_error_message=_(
                    "Les demandes doivent être closes avant le premier jour du séjour."
                ),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="stay_capacity_positive",
                violation_error_message=_("Un séjour a au moins une place."),
            ),
            models.CheckConstraint(
                condition=Q(fixed_price__isnull=True) | Q(fixed_price__gte=0),
                name="stay_fixed_price_not_negative",
                violation_error_message=_("Le prix ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Le dernier jour doit suivre le premier.")
        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = _("L'âge maximum doit être au moins l'âge minimum.")
        if self.application_opens_on and self.application_closes_on:
            if self.application_closes_on < self.application_opens_on:
                errors["application_closes_on"] = _("La clôture des demandes doit suivre leur ouverture.")
            elif self.start_date and self.application_closes_on >= self.start_date:
                errors["application_closes_on"] = _(
                    "Les demandes doivent être closes avant le premier jour du séjour."
                )
        unknown = [level for level in self.school_levels or [] if level not in SchoolLevel.values]
        if unknown:
            errors["school_levels"] = _("Niveau scolaire inconnu : %(levels)s.") % {
                "levels": ", ".join(unknown)
            }
        if errors:
            raise ValidationError(errors)

    def is_open_on(self, day: datetime.date) -> bool:
        return self.application_opens_on <= day <= self.application_closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def required_documents(self) -> list[str]:
        kinds = []
        if self.requires_health_form:
            kinds.append(RequiredDocument.HEALTH_FORM)
        if self.requires_vaccination:
            kinds.append(RequiredDocument.VACCINATION)
        return kinds

    @property
    def school_level_labels(self) -> list[str]:
        return [
            SchoolLevel(level).label for level in SchoolLevel.values if level in (self.school_levels or [])
        ]

    @property
    def is_allocated(self) -> bool:
        return hasattr(self, "allocation")


class StayPrice(TimeStampedModel):
    """The price of a stay for one bracket (tranche 1 to 10) of the tariff grid."""

    stay = models.ForeignKey(HolidayStay, on_delete=models.CASCADE, related_name="prices")
    bracket_number = models.PositiveSmallIntegerField(
        _("tranche"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    price = models.DecimalField(_("prix"), max_digits=10, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["bracket_number"]
        verbose_name = _("prix du séjour par tranche")
        verbose_name_plural = _("prix du séjour par tranche")
        constraints = [
            models.UniqueConstraint(fields=["stay", "bracket_number"], name="stay_price_one_per_bracket"),
            models.CheckConstraint(
                condition=Q(bracket_number__gte=1) & Q(bracket_number__lte=10), name="stay_price_bracket_1_10"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="stay_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.stay} — tranche {self.bracket_number} : {format_euros(self.price)}"


def stay_photo_path(instance, filename):
    return f"stays/{instance.stay.caisse_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class StayPhoto(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stay = models.ForeignKey(HolidayStay, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=stay_photo_path, max_length=300)
    content_type = models.CharField(max_length=100)
    caption = models.CharField(_("description de la photo"), max_length=200)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("photo du séjour")
        verbose_name_plural = _("photos du séjour")

    def __str__(self):
        return self.caption


class StayProfile(TimeStampedModel):
    """What a stay needs to know of a child and the Child model does not hold."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.OneToOneField("households.Child", on_delete=models.CASCADE, related_name="stay_profile")
    school_level = models.CharField(_("niveau scolaire"), max_length=3, choices=SchoolLevel.choices)
    emergency_contact_1_name = models.CharField(_("personne à prévenir en cas d'urgence"), max_length=200)
    emergency_contact_1_phone = models.CharField(
        _("son téléphone"), max_length=20, validators=[validate_phone]
    )
    emergency_contact_2_name = models.CharField(_("deuxième personne à prévenir"), max_length=200, blank=True)
    emergency_contact_2_phone = models.CharField(
        _("son téléphone"), max_length=20, blank=True, validators=[validate_phone]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiche séjour de l'enfant")
        verbose_name_plural = _("fiches séjour des enfants")

    def __str__(self):
        return f"{self.child} — {self.school_level}"


class StayApplicationQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)


class StayApplication(TimeStampedModel):
    """A parent's request for a child: up to 3 stays, ranked (the StayChoice rows)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="stay_applications")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="stay_applications"
    )
    child = models.ForeignKey("households.Child", on_delete=models.PROTECT, related_name="stay_applications")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = StayApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de séjour")
        verbose_name_plural = _("demandes de séjour")

    def __str__(self):
        return f"{self.child} — {self.created_at:%d/%m/%Y}" if self.created_at else str(self.child)

    def required_documents(self) -> list[str]:
        kinds = []
        for choice in self.choices.all():
            for kind in choice.stay.required_documents:
                if kind not in kinds:
                    kinds.append(kind)
        return kinds

    def missing_documents(self) -> list[str]:
        attached = {document.kind for document in self.documents.all()}
        return [kind for kind in self.required_documents() if kind not in attached]


class StayApplicationDocument(TimeStampedModel):
    application = models.ForeignKey(StayApplication, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("pièce"), max_length=30, choices=RequiredDocument.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pièce de la demande de séjour")
        verbose_name_plural = _("pièces des demandes de séjour")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.application}"


class StayChoiceQuerySet(CaisseQuerySet):
    caisse_path = "stay__caisse"

    def active(self):
        return self.filter(state__in=ACTIVE_CHOICE_STATES)


class StayChoice(TimeStampedModel):
    """One ranked wish of an application: this child on this stay. It carries the lifecycle."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(StayApplication, on_delete=models.CASCADE, related_name="choices")
    child = models.ForeignKey("households.Child", on_delete=models.PROTECT, related_name="stay_choices")
    stay = models.ForeignKey(HolidayStay, on_delete=models.PROTECT, related_name="choices")
    rank = models.PositiveSmallIntegerField(
        _("rang du choix"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    state = models.CharField(
        _("état"), max_length=20, choices=ChoiceState.choices, default=ChoiceState.SUBMITTED, db_index=True
    )
    # Set by the allocation: the child's place in the draw and, when not given a place, on the waiting list.
    had_priority = models.BooleanField(_("prioritaire"), null=True, blank=True)
    lottery_position = models.PositiveIntegerField(_("position au tirage"), null=True, blank=True)
    waiting_rank = models.PositiveIntegerField(_("rang en liste d'attente"), null=True, blank=True)
    confirm_by = models.DateTimeField(_("à confirmer avant le"), null=True, blank=True)
    # Billing: set, with the invoice issued, when the confirmed stay has been invoiced.
    invoiced_at = models.DateTimeField(_("facturé le"), null=True, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stay_choices",
        verbose_name=_("facture"),
    )

    history = HistoricalRecords()
    objects = StayChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("choix de séjour")
        verbose_name_plural = _("choix de séjour")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="stay_choice_one_per_rank"),
            models.UniqueConstraint(fields=["application", "stay"], name="stay_choice_one_per_stay"),
            models.UniqueConstraint(
                fields=["child", "stay"],
                condition=Q(state__in=ACTIVE_CHOICE_STATES),
                name="stay_choice_one_active_per_child_and_stay",
                violation_error_message=_("Une demande est déjà en cours pour cet enfant et ce séjour."),
            ),
            models.CheckConstraint(condition=Q(rank__gte=1) & Q(rank__lte=3), name="stay_choice_rank_1_3"),
            models.CheckConstraint(
                condition=Q(invoice__isnull=True, invoiced_at__isnull=True)
                | Q(invoice__isnull=False, invoiced_at__isnull=False),
                name="stay_choice_invoiced_with_invoice",
                violation_error_message=_("Un séjour facturé a sa facture."),
            ),
        ]

    def __str__(self):
        return f"{self.child} — {self.stay} (choix {self.rank})"

    @property
    def waiting_position(self) -> int | None:
        """The place on the waiting list now (those ahead who left no longer count)."""
        if self.state != ChoiceState.WAITING or self.waiting_rank is None:
            return None
        ahead = StayChoice.objects.filter(
            stay_id=self.stay_id, state=ChoiceState.WAITING, waiting_rank__lt=self.waiting_rank
        ).count()
        return ahead + 1


class StayChoiceEvent(TransitionEvent):
    """One row per transition of a choice: who, when, from, to, why."""

    choice = models.ForeignKey(StayChoice, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=ChoiceState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ChoiceState.choices)
    message = models.TextField(_("motif"), blank=True, validators=[validate_free_text])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement du choix de séjour")
        verbose_name_plural = _("événements des choix de séjour")

    def __str__(self):
        return f"{self.choice} — {self.from_state} → {self.to_state}"


class StayAllocation(TimeStampedModel):
    """The allocation of a stay's places: the seed of its lottery and what it gave, for replay."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stay = models.OneToOneField(HolidayStay, on_delete=models.PROTECT, related_name="allocation")
    seed = models.BigIntegerField(_("graine du tirage au sort"))
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lines of the result (formats-stays.md), as printed by `manage.py allocate_stay`.
    result = models.TextField(_("résultat"))

    class Meta:
        verbose_name = _("attribution des places")
        verbose_name_plural = _("attributions des places")

    def __str__(self):
        return f"{self.stay} — graine {self.seed}"


register(
    StayChoice,
    Lifecycle(
        states=ChoiceState,
        table=CHOICE_LIFECYCLE,
        event_model=StayChoiceEvent,
        event_field="choice",
        refused=_("Passage impossible de « %(from)s » à « %(to)s »."),
    ),
)
