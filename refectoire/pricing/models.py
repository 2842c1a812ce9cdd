"""Income-based tariffs: grids and brackets, the parts rule, tariff requests and decisions."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, can_move, register
from refectoire.core.models import TimeStampedModel
from refectoire.core.money import format_euros, round_money
from refectoire.pricing.enums import (
    TARIFF_REQUEST_LIFECYCLE,
    ApiParticulierVersion,
    DecisionSource,
    IncomeSource,
    PackedMealPricing,
    TariffRequestReason,
    TariffRequestState,
)
from refectoire.pricing.quotient import PartsRule

MONEY = {"max_digits": 10, "decimal_places": 2}
PARTS = {"max_digits": 4, "decimal_places": 2}

child_parts_validator = RegexValidator(
    r"^\s*\d+([.,]\d+)?(\s*;\s*\d+([.,]\d+)?)*\s*$",
    _("Des nombres de parts séparés par « ; », par exemple 0,5 ; 0,5 ; 1."),
)


def format_percent(value) -> str:
    """Decimal("50.00") → « 50 % », Decimal("12.50") → « 12,5 % » (non-breaking space)."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}\xa0%"


def parse_child_parts(text: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(item.strip().replace(",", ".")) for item in text.split(";") if item.strip())


class PricingSettings(TimeStampedModel):
    """A Caisse's pricing settings: the parts rule of the family quotient and API Particulier."""

    caisse = models.OneToOneField("caisses.Caisse", on_delete=models.CASCADE, related_name="pricing_settings")
    parts_couple = models.DecimalField(_("parts pour un couple"), default=Decimal("2"), **PARTS)
    parts_single_parent = models.DecimalField(_("parts pour un parent isolé"), default=Decimal("2"), **PARTS)
    parts_child_by_rank = models.CharField(
        _("parts par enfant selon son rang"),
        max_length=100,
        default="0.5;0.5;1",
        validators=[child_parts_validator],
        help_text=_("1er enfant ; 2e enfant ; 3e enfant… séparés par « ; »."),
    )
    parts_further_child = models.DecimalField(_("parts par enfant au-delà"), default=Decimal("0.5"), **PARTS)
    parts_disabled_child = models.DecimalField(
        _("parts supplémentaires par enfant handicapé"), default=Decimal("0.5"), **PARTS
    )
    api_particulier_version = models.CharField(
        _("version d'API Particulier"),
        max_length=2,
        choices=ApiParticulierVersion.choices,
        default=ApiParticulierVersion.V3,
    )
    api_particulier_url = models.URLField(
        _("adresse d'API Particulier"), default="https://particulier.api.gouv.fr", max_length=300
    )
    api_particulier_token = models.CharField(_("jeton d'API Particulier"), max_length=500, blank=True)
    api_particulier_recipient = models.CharField(_("SIRET du destinataire (v3)"), max_length=14, blank=True)

    history = HistoricalRecords(excluded_fields=["api_particulier_token"])

    class Meta:
        verbose_name = _("réglages de la tarification")
        verbose_name_plural = _("réglages de la tarification")

    def __str__(self):
        return f"Tarification — {self.caisse}"

    @property
    def parts_rule(self) -> PartsRule:
        return PartsRule(
            couple=self.parts_couple,
            single_parent=self.parts_single_parent,
            child_by_rank=parse_child_parts(self.parts_child_by_rank),
            further_child=self.parts_further_child,
            disabled_child=self.parts_disabled_child,
        )

    @property
    def api_particulier_enabled(self) -> bool:
        return bool(self.api_particulier_token)


class TariffGrid(TimeStampedModel):
    """The tariff grid of a Caisse for a school year. Versioned: the highest version is in force.

    Once an invoice used it, it is frozen (`frozen_at`): it can no longer change, a new version
    can be made.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="tariff_grids")
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="tariff_grids"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    adult_meal_price = models.DecimalField(
        _("prix du repas adulte"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    exceptional_meal_price = models.DecimalField(
        _("prix du repas exceptionnel"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    # The price of a « panier repas » day (validated PAI of kind packed meal): a fixed amount, or
    # a share (percentage) of the household's bracket price. Default: a fixed 0,00 €.
    packed_meal_pricing = models.CharField(
        _("prix du panier repas (PAI)"),
        max_length=10,
        choices=PackedMealPricing.choices,
        default=PackedMealPricing.FIXED,
    )
    packed_meal_value = models.DecimalField(
        _("montant ou part du panier repas"),
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("En euros pour un montant fixe, en % du prix du repas de la tranche pour une part."),
        **MONEY,
    )
    frozen_at = models.DateTimeField(_("figée le"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    history = HistoricalRecords()
    objects = CaisseQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year__first_day", "-version"]
        verbose_name = _("grille tarifaire")
        verbose_name_plural = _("grilles tarifaires")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "school_year", "version"],
                name="tariff_grid_version_unique_per_year",
                violation_error_message=_(
                    "Cette version de la grille existe déjà pour cette année scolaire."
                ),
            ),
            models.CheckConstraint(
                condition=Q(adult_meal_price__gte=0) & Q(exceptional_meal_price__gte=0),
                name="tariff_grid_prices_not_negative",
                violation_error_message=_("Un prix ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(packed_meal_value__gte=0)
                & (~Q(packed_meal_pricing="share") | Q(packed_meal_value__lte=100))
                & Q(packed_meal_pricing__in=["fixed", "share"]),
                name="tariff_grid_packed_meal_value_in_range",
                violation_error_message=_(
                    "Le prix du panier repas est un montant positif ou une part de 0 à 100 %."
                ),
            ),
        ]

    def __str__(self):
        return f"Grille {self.school_year} (version {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def clean(self):
        super().clean()
        value = self.packed_meal_value
        if value is None:
            return
        if value < 0:
            raise ValidationError(
                {"packed_meal_value": _("Le prix du panier repas ne peut pas être négatif.")}
            )
        if self.packed_meal_pricing == PackedMealPricing.SHARE and value > 100:
            raise ValidationError(
                {"packed_meal_value": _("La part du prix du repas doit être comprise entre 0 et 100 %.")}
            )

    def packed_meal_price(self, unit_price: Decimal) -> Decimal:
        """The price of a « panier repas » day for a bracket of `unit_price`: the fixed amount, or
        the share of `unit_price` rounded to the cent (half up, as every amount)."""
        if self.packed_meal_pricing == PackedMealPricing.SHARE:
            return round_money(Decimal(unit_price) * self.packed_meal_value / 100)
        return round_money(self.packed_meal_value)

    @property
    def packed_meal_text(self) -> str:
        """« 1,00 € par jour » or « 50 % du prix du repas de la tranche », for the agents' screens."""
        if self.packed_meal_pricing == PackedMealPricing.SHARE:
            return _("%(share)s du prix du repas de la tranche") % {
                "share": format_percent(self.packed_meal_value)
            }
        return _("%(amount)s par jour (montant fixe)") % {"amount": format_euros(self.packed_meal_value)}

    def ordered_brackets(self) -> list["TariffBracket"]:
        return sorted(self.brackets.all(), key=lambda bracket: bracket.number)

    @property
    def highest_bracket(self) -> "TariffBracket":
        return self.ordered_brackets()[-1]


class TariffBracket(TimeStampedModel):
    """One line of a grid: "tarif 4", QF from 549 to 959 € (inclusive, whole euros), 2,28 € a meal."""

    grid = models.ForeignKey(TariffGrid, on_delete=models.CASCADE, related_name="brackets")
    number = models.PositiveSmallIntegerField(_("tarif"), validators=[MinValueValidator(1)])
    qf_min = models.PositiveIntegerField(_("quotient familial à partir de (€)"))
    qf_max = models.PositiveIntegerField(
        _("quotient familial jusqu'à (€)"),
        null=True,
        blank=True,
        help_text=_("Vide pour la dernière tranche."),
    )
    unit_price = models.DecimalField(
        _("prix du repas"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["grid", "number"]
        verbose_name = _("tranche tarifaire")
        verbose_name_plural = _("tranches tarifaires")
        constraints = [
            models.UniqueConstraint(fields=["grid", "number"], name="tariff_bracket_number_unique_per_grid"),
            models.CheckConstraint(
                condition=Q(qf_max__isnull=True) | Q(qf_max__gte=F("qf_min")),
                name="tariff_bracket_bounds_in_order",
                violation_error_message=_("La borne haute doit être supérieure ou égale à la borne basse."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="tariff_bracket_price_not_negative",
                violation_error_message=_("Un prix ne peut pas être négatif."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="tariff_bracket_number_positive"),
        ]

    def __str__(self):
        return f"Tarif {self.number}"


def validate_brackets(brackets) -> None:
    """A grid's brackets are numbered 1..N, start at 0 €, follow each other, the last has no top."""
    brackets = sorted(brackets, key=lambda b: b.number)
    if not brackets:
        raise ValidationError(_("La grille doit avoir au moins une tranche."))
    errors = []
    for position, bracket in enumerate(brackets, start=1):
        if bracket.number != position:
            errors.append(
                _("Les tarifs doivent être numérotés de 1 à %(n)d sans trou.") % {"n": len(brackets)}
            )
            break
    if brackets[0].qf_min != 0:
        errors.append(_("Le tarif 1 doit commencer à 0,00\xa0€."))
    for previous, bracket in zip(brackets, brackets[1:], strict=False):
        if previous.qf_max is None or bracket.qf_min != previous.qf_max + 1:
            errors.append(
                _("Le tarif %(n)d doit commencer juste après la borne haute du tarif %(p)d.")
                % {"n": bracket.number, "p": previous.number}
            )
    for bracket in brackets:
        if bracket.qf_max is not None and bracket.qf_max < bracket.qf_min:
            errors.append(
                _("Tarif %(n)d : la borne haute doit être supérieure ou égale à la borne basse.")
                % {"n": bracket.number}
            )
    if brackets[-1].qf_max is not None:
        errors.append(_("La dernière tranche ne doit pas avoir de borne haute."))
    if errors:
        raise ValidationError(errors)


class TariffRequestQuerySet(CaisseQuerySet):
    def for_household(self, household):
        return self.filter(caisse_id=household.caisse_id, household=household)

    def open(self):
        return self.filter(
            state__in=[TariffRequestState.SENT, TariffRequestState.IN_REVIEW, TariffRequestState.NEEDS_INFO]
        )


class TariffRequest(TimeStampedModel):
    """ "Demande de tarif dégressif 2026-2027": once per household and school year, for all its children."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="tariff_requests")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="tariff_requests"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="tariff_requests"
    )
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=TariffRequestState.choices,
        default=TariffRequestState.SENT,
        db_index=True,
    )
    # Once per household and year (YEARLY); a change of resources opens a request that supersedes
    # the earlier one: its decision applies from `effective_date`, the earlier stays in force until then.
    reason = models.CharField(
        _("motif de la demande"),
        max_length=20,
        choices=TariffRequestReason.choices,
        default=TariffRequestReason.YEARLY,
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("remplace la demande"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    effective_date = models.DateField(_("ressources nouvelles à partir du"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    income_source = models.CharField(_("justificatif"), max_length=10, choices=IncomeSource.choices)
    # Composition declared by the parent (for the parts).
    single_parent = models.BooleanField(_("parent isolé"), default=False)
    children_count = models.PositiveSmallIntegerField(_("nombre d'enfants à charge"), default=1)
    disabled_children_count = models.PositiveSmallIntegerField(_("dont enfants handicapés"), default=0)
    # CAF / MSA attestation.
    declared_qf = models.DecimalField(_("quotient familial indiqué"), null=True, blank=True, **MONEY)
    benefits_number = models.CharField(_("numéro d'allocataire"), max_length=30, blank=True)
    # Avis d'imposition.
    reference_tax_income = models.DecimalField(
        _("revenu fiscal de référence"), null=True, blank=True, **MONEY
    )
    fiscal_parts = models.DecimalField(_("nombre de parts fiscales"), null=True, blank=True, **PARTS)
    # Monthly resources.
    monthly_resources = models.DecimalField(
        _("ressources mensuelles nettes imposables"), null=True, blank=True, **MONEY
    )
    monthly_benefits = models.DecimalField(
        _("prestations familiales mensuelles"), null=True, blank=True, **MONEY
    )
    # API Particulier: what the CAF returned, and the parent's confirmation.
    api_qf = models.DecimalField(_("quotient familial transmis par la CAF"), null=True, blank=True, **MONEY)
    api_year = models.PositiveSmallIntegerField(null=True, blank=True)
    api_month = models.PositiveSmallIntegerField(null=True, blank=True)
    api_provider = models.CharField(max_length=10, blank=True)
    api_payload = models.JSONField(null=True, blank=True)
    api_confirmed = models.BooleanField(_("informations confirmées par le parent"), null=True, blank=True)
    # What the computation gives from the declared figures (the "tarif estimé").
    computed_qf = models.DecimalField(_("quotient familial calculé"), null=True, blank=True, **MONEY)
    estimated_bracket = models.PositiveSmallIntegerField(_("tarif estimé"), null=True, blank=True)
    proofs = models.ManyToManyField("documents.Document", blank=True, related_name="tariff_requests")
    agent_message = models.TextField(_("message de la Caisse"), blank=True)

    history = HistoricalRecords()
    objects = TariffRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("demande de tarif")
        verbose_name_plural = _("demandes de tarif")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "school_year"],
                condition=~Q(state=TariffRequestState.CANCELLED) & Q(reason=TariffRequestReason.YEARLY),
                name="tariff_request_one_per_household_and_year",
                violation_error_message=_(
                    "Une demande de tarif existe déjà pour ce foyer et cette année scolaire."
                ),
            ),
            models.UniqueConstraint(
                fields=["household", "school_year"],
                condition=Q(reason=TariffRequestReason.RESOURCES_CHANGE)
                & Q(
                    state__in=[
                        TariffRequestState.SENT,
                        TariffRequestState.IN_REVIEW,
                        TariffRequestState.NEEDS_INFO,
                    ]
                ),
                name="tariff_request_one_open_superseding",
                violation_error_message=_(
                    "Une demande de tarif pour changement de ressources est déjà en cours pour ce foyer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reason=TariffRequestReason.YEARLY)
                | (Q(supersedes__isnull=False) & Q(effective_date__isnull=False)),
                name="tariff_request_superseding_has_its_origin",
                violation_error_message=_(
                    "Une demande pour changement de ressources remplace une demande et a une date d'effet."
                ),
            ),
        ]

    def __str__(self):
        return f"Demande de tarif {self.school_year} — {self.household}"

    def can_become(self, state) -> bool:
        return can_move(self, state)


class TariffRequestEvent(TransitionEvent):
    """One row per transition of a tariff request: who, when, what and why."""

    request = models.ForeignKey(TariffRequest, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=TariffRequestState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=TariffRequestState.choices)
    action = models.CharField(_("action"), max_length=50)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement de demande de tarif")
        verbose_name_plural = _("événements de demande de tarif")

    def __str__(self):
        return f"{self.request} — {self.action}"


class TariffDecision(TimeStampedModel):
    """A decided bracket for a household and school year, in force from `start_date`.

    A later decision of the same year takes over from its own start date; before the first one
    (or without any) the grid's highest bracket applies.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="tariff_decisions")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="tariff_decisions"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="tariff_decisions"
    )
    bracket_number = models.PositiveSmallIntegerField(_("tarif"), validators=[MinValueValidator(1)])
    family_quotient = models.DecimalField(_("quotient familial"), null=True, blank=True, **MONEY)
    start_date = models.DateField(_("à partir du"))
    decided_on = models.DateField(_("décidé le"))
    source = models.CharField(_("origine"), max_length=10, choices=DecisionSource.choices)
    request = models.ForeignKey(
        TariffRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = CaisseQuerySet.as_manager()

    class Meta:
        ordering = ["household", "start_date", "created_at", "pk"]
        verbose_name = _("décision de tarif")
        verbose_name_plural = _("décisions de tarif")
        indexes = [models.Index(fields=["caisse", "school_year", "household", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(bracket_number__gte=1), name="tariff_decision_bracket_positive"
            ),
        ]

    def __str__(self):
        return f"Tarif {self.bracket_number} — {self.household} ({self.school_year})"


register(
    TariffRequest,
    Lifecycle(
        states=TariffRequestState,
        table=TARIFF_REQUEST_LIFECYCLE,
        event_model=TariffRequestEvent,
        event_field="request",
        refused=_("Cette demande est « %(state)s » : cette action n'est plus possible."),
    ),
)
