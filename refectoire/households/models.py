"""The household (foyer, "entourage"): guardians and children, and its validation lifecycle."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.accounts.enums import Civility
from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.display import value_display
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import PostalAddressMixin, TimeStampedModel
from refectoire.core.validators import (
    validate_adult_birth_date,
    validate_child_birth_date,
    validate_free_text,
    validate_person_name,
    validate_phone,
)
from refectoire.households.enums import (
    HOUSEHOLD_LIFECYCLE,
    BenefitsRegime,
    ChangeKind,
    ChangeState,
    GuardianRole,
    HouseholdAction,
    HouseholdState,
    Sex,
)


class HouseholdQuerySet(CaisseQuerySet):
    def for_user(self, user, caisse):
        """The households of `caisse` in which `user` is a guardian with an account (one at most)."""
        if not user.is_authenticated:
            return self.none()
        # A semi-join: no DISTINCT over every column of the household (and of what a page joins).
        return self.filter(caisse=caisse, pk__in=Guardian.objects.filter(user=user).values("household_id"))

    def validated(self):
        return self.filter(state=HouseholdState.VALIDATED)


class Household(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="households")
    # The reference of the family in the Caisse's former software (household_ref of the import).
    reference = models.CharField(_("référence du foyer"), max_length=50, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=HouseholdState.choices, default=HouseholdState.DRAFT, db_index=True
    )
    is_single_parent = models.BooleanField(_("parent isolé"), default=False)
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    # "Clé d'accès (service Enfance)": links an account to a household known to the Caisse.
    service_key = models.CharField(_("clé Enfance"), max_length=20, null=True, blank=True, unique=True)
    service_key_used_at = models.DateTimeField(_("clé utilisée le"), null=True, blank=True)

    history = HistoricalRecords()
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "reference"],
                condition=~Q(reference=""),
                name="household_reference_unique_per_caisse",
                violation_error_message=_("Cette référence de foyer existe déjà dans la Caisse."),
            ),
        ]

    def __str__(self):
        primary = self.primary_guardian
        return f"Foyer {primary.last_name.upper() if primary else self.reference or self.uuid}"

    @property
    def display_name(self) -> str:
        """How people read a household: its holder's name and its reference, never an internal id."""
        primary = self.primary_guardian
        if primary is None:
            return (
                _("Foyer %(reference)s") % {"reference": self.reference}
                if self.reference
                else _("Foyer sans titulaire")
            )
        if self.reference:
            return _("%(name)s (réf. %(reference)s)") % {
                "name": primary.full_name,
                "reference": self.reference,
            }
        return primary.full_name

    @property
    def primary_guardian(self):
        return next((g for g in self.guardians.all() if g.role == GuardianRole.PRIMARY), None)

    @property
    def is_validated(self) -> bool:
        return self.state == HouseholdState.VALIDATED


class PersonFields(models.Model):
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom d'usage"), max_length=150, validators=[validate_person_name])
    birth_name = models.CharField(
        _("nom de famille"), max_length=150, blank=True, validators=[validate_person_name]
    )
    first_name = models.CharField(_("prénom"), max_length=150, validators=[validate_person_name])
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()

    # Who the birth date is of: a school child or an adult representative.
    birth_date_validator = staticmethod(validate_adult_birth_date)

    def clean(self):
        super().clean()
        # A date typed now is checked; one already stored is kept (a child grows older than the bounds).
        if not self.birth_date:
            return
        if self.pk and type(self).objects.filter(pk=self.pk, birth_date=self.birth_date).exists():
            return
        try:
            self.birth_date_validator(self.birth_date)
        except ValidationError as error:
            raise ValidationError({"birth_date": error.messages}) from error


class Guardian(PostalAddressMixin, PersonFields, TimeStampedModel):
    """A representative of the household: the account holder or the co-representative."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardianships",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=GuardianRole.choices)
    street_number = models.CharField(_("numéro"), max_length=20, blank=True)
    street_name = models.CharField(_("nom de la voie"), max_length=200, blank=True)
    building = models.CharField(_("bâtiment"), max_length=100, blank=True)
    apartment = models.CharField(_("appartement"), max_length=100, blank=True)
    address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=100, blank=True, default="France")
    home_phone = models.CharField(
        _("téléphone domicile"), max_length=20, blank=True, validators=[validate_phone]
    )
    mobile_phone = models.CharField(
        _("téléphone portable"), max_length=20, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("courriel"), blank=True)
    benefits_member = models.BooleanField(_("membre allocataire"), default=False)
    benefits_regime = models.CharField(
        _("régime allocataire"), max_length=10, choices=BenefitsRegime.choices, blank=True
    )
    benefits_organisation = models.CharField(_("organisme allocataire"), max_length=200, blank=True)
    benefits_number = models.CharField(_("numéro d'allocataire"), max_length=30, blank=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "created_at"]
        verbose_name = _("représentant")
        verbose_name_plural = _("représentants")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "role"],
                condition=Q(role=GuardianRole.PRIMARY),
                name="household_one_primary_guardian",
                violation_error_message=_("Un foyer n'a qu'un titulaire du compte."),
            ),
        ]

    def __str__(self):
        return self.full_name

    REQUIRED_FIELDS = ("civility", "last_name", "first_name", "street_name", "postcode", "city", "country")

    @property
    def is_complete(self) -> bool:
        """Every field marked * in "Ajouter à mon entourage" is filled: the avatar shows."""
        return all(getattr(self, name) for name in self.REQUIRED_FIELDS)


class Child(PersonFields, TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    # The reference of the child in the Caisse's former software (child_ref of the import).
    reference = models.CharField(_("référence de l'enfant"), max_length=50, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, blank=True)

    birth_date_validator = staticmethod(validate_child_birth_date)

    history = HistoricalRecords()

    class Meta:
        ordering = ["birth_date", "first_name"]
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")

    def __str__(self):
        return self.full_name

    REQUIRED_FIELDS = ("first_name", "last_name", "birth_date", "sex")

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) for name in self.REQUIRED_FIELDS)


class HouseholdEvent(TransitionEvent):
    """One row per transition of the household's lifecycle: who, when, what and why."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=HouseholdState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=HouseholdState.choices, blank=True)
    action = models.CharField(_("action"), max_length=50, choices=HouseholdAction.choices)
    message = models.TextField(_("message"), blank=True, validators=[validate_free_text])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement du foyer")
        verbose_name_plural = _("événements du foyer")

    def __str__(self):
        return f"{self.household} — {self.action}"


class HouseholdChangeQuerySet(CaisseQuerySet):
    caisse_path = "household__caisse"

    def pending(self):
        return self.filter(state=ChangeState.PENDING)


class HouseholdChange(TimeStampedModel):
    """A member added to a validated household ("Ajouter un membre"): pending until the Caisse validates it.

    The member's fields wait in `data`; the Child or Guardian exists only once the change is accepted,
    so the other apps never see a member the Caisse has not validated.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("type de changement"), max_length=30, choices=ChangeKind.choices)
    data = models.JSONField(_("données"), default=dict)
    state = models.CharField(
        _("état"), max_length=20, choices=ChangeState.choices, default=ChangeState.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True, validators=[validate_free_text])

    history = HistoricalRecords()
    objects = HouseholdChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ajout d'un membre")
        verbose_name_plural = _("ajouts de membres")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.display_name}"

    @property
    def display_name(self) -> str:
        return f"{self.data.get('first_name', '')} {self.data.get('last_name', '').upper()}".strip()

    @property
    def data_items(self) -> list[tuple[str, str]]:
        """The member's fields as (label, value), for the agent who decides."""
        model = Child if self.kind == ChangeKind.ADD_CHILD else Guardian
        items = []
        for name, value in self.data.items():
            if value in ("", None, False):
                continue
            field = model._meta.get_field(name)
            typed = field.to_python(value)  # dates are kept as ISO strings in `data`
            shown = dict(field.choices).get(typed, typed) if field.choices else value_display(typed)
            items.append((str(field.verbose_name).capitalize(), "Oui" if value is True else str(shown)))
        return items


register(
    Household,
    Lifecycle(
        states=HouseholdState,
        table=HOUSEHOLD_LIFECYCLE,
        event_model=HouseholdEvent,
        event_field="household",
        refused=_("Cette action n'est pas possible pour un foyer « %(state)s »."),
    ),
)
