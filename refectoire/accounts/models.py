from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.accounts.enums import AccessKind, Civility
from refectoire.core.models import PostalAddressMixin
from refectoire.core.validators import validate_phone


class User(PostalAddressMixin, AbstractUser):
    """A person: one account for every Caisse. `username` is the generated identifier (G4V-RNG6P).

    `last_name` is the "nom d'usage"; `birth_name` the "nom de famille" when it differs.
    """

    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    birth_name = models.CharField(_("nom de famille"), max_length=150, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    street_number = models.CharField(_("numéro"), max_length=20, blank=True)
    street_name = models.CharField(_("nom de la voie"), max_length=200, blank=True)
    building = models.CharField(_("bâtiment"), max_length=100, blank=True)
    apartment = models.CharField(_("appartement"), max_length=100, blank=True)
    address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=100, blank=True, default="France")
    mobile_phone = models.CharField(
        _("téléphone portable"), max_length=20, blank=True, validators=[validate_phone]
    )
    signup_caisse = models.ForeignKey(
        "caisses.Caisse",
        verbose_name=_("Caisse d'inscription"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The language of the pages and of the e-mails this person receives; blank: French (the default).
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")

    def __str__(self):
        return self.display_name or self.username

    @property
    def display_name(self) -> str:
        parts = [self.get_civility_display(), self.first_name, self.last_name.upper()]
        return " ".join(part for part in parts if part)


class CguAcceptance(models.Model):
    """The moment a person accepted the CGU of a Caisse, with the version they saw."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cgu_acceptances")
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)
    cgu_version = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("acceptation des CGU")
        verbose_name_plural = _("acceptations des CGU")

    def __str__(self):
        return f"{self.user} — {self.caisse} — {self.accepted_at:%d/%m/%Y}"


class AccessLog(models.Model):
    """One view by an agent of a family's personal data: who, when, what, from which screen.

    Written by `accounts.access_log.access_log_record` (one INSERT, no history: the log is the
    history). `household_id` is a plain integer so the row outlives the household's anonymisation;
    `agent_name` keeps the agent readable after their account is gone."""

    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent_name = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    object_id = models.CharField(max_length=64)
    household_id = models.BigIntegerField(null=True, blank=True)
    screen = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["caisse", "at"], name="accesslog_caisse_at"),
            models.Index(fields=["household_id", "at"], name="accesslog_household_at"),
            models.Index(fields=["agent", "at"], name="accesslog_agent_at"),
        ]

    def __str__(self):
        return f"{self.agent_name} · {self.get_kind_display()} {self.object_id} · {self.at:%d/%m/%Y %H:%M}"
