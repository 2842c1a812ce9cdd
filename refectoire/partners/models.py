"""Partners' API tokens and the log of their calls.

A token's secret is shown once, when it is made; only its SHA-256 is kept, found by its prefix.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.partners.enums import API_TOKEN_LIFECYCLE, ApiScope, ApiTokenState

# A token reads "rfc_<prefix>_<secret>": the prefix finds the row, the secret is checked by its hash.
TOKEN_MARK = "rfc"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(CaisseQuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(state=ApiTokenState.ACTIVE).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(TimeStampedModel):
    """A partner's access to the API of one Caisse: a name, scopes, an optional expiry and school."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=120)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("droits"), default=list)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("établissement"),
    )
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=ApiTokenState.choices, default=ApiTokenState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["secret_hash"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def scope_labels(self) -> list[str]:
        return [ApiScope(scope).label for scope in self.scopes if scope in ApiScope.values]

    @property
    def is_revoked(self) -> bool:
        return self.state == ApiTokenState.REVOKED


class ApiTokenEvent(TransitionEvent):
    """A move of a token's lifecycle (its revocation): who, when."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="events")

    class Meta(TransitionEvent.Meta):
        verbose_name = _("événement d'un jeton d'API")


class ApiCall(models.Model):
    """One call to the API: which token (none when it carried no known token), what, the answer, when."""

    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.CASCADE, related_name="api_calls")
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, null=True, blank=True, related_name="calls")
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField()

    objects = CaisseQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="api_call_token_at")]

    def __str__(self):
        return f"{self.method} {self.endpoint} {self.status}"


register(
    ApiToken,
    Lifecycle(
        states=ApiTokenState,
        table=API_TOKEN_LIFECYCLE,
        event_model=ApiTokenEvent,
        event_field="token",
        refused=_("Ce jeton est déjà révoqué."),
    ),
)
