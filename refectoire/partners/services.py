"""Partners' API tokens: made by a manager (the secret shown once), revoked; and the calls' log."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core.lifecycle import AGENT, transition
from refectoire.partners.enums import ApiScope, ApiTokenState
from refectoire.partners.models import TOKEN_MARK, ApiCall, ApiToken, secret_hash
from refectoire.schools.models import School


@transaction.atomic
def api_token_create(
    *, caisse, name: str, scopes, school=None, expires_at: datetime.datetime | None = None, actor
) -> tuple[ApiToken, str]:
    """A new token of `caisse`; returns it and its full value, which is never stored nor shown again."""
    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom au jeton (par exemple « Cuisine centrale »).")
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if not scopes:
        errors["scopes"] = _("Choisissez au moins un droit.")
    elif unknown:
        errors["scopes"] = _("Droit inconnu : %(scopes)s.") % {"scopes": ", ".join(unknown)}
    if school is not None and not School.objects.for_caisse(caisse).filter(pk=school.pk).exists():
        errors["school"] = _("Cet établissement n'est pas de la Caisse.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("La date d'expiration doit être dans le futur.")
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        caisse=caisse,
        name=name,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scopes=scopes,
        school=school,
        expires_at=expires_at,
        created_by=actor,
    )
    return token, f"{TOKEN_MARK}_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """The token stops working at once; it stays listed, with its calls."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    return transition(
        token,
        ApiTokenState.REVOKED,
        actor=actor,
        by=AGENT,
        update_fields=(),
        revoked_at=timezone.now(),
        revoked_by=actor,
    )


def api_call_record(
    *, caisse, token: ApiToken | None, method: str, endpoint: str, status: int, at, duration_ms: int
) -> ApiCall:
    """One row of the log, written whatever became of the call (its own statement, no transaction)."""
    return ApiCall.objects.create(
        caisse=caisse,
        token=token,
        method=method[:10],
        endpoint=endpoint[:200],
        status=status,
        at=at,
        duration_ms=max(duration_ms, 0),
    )


def api_calls_purge(*, days: int | None = None, now=None, dry_run: bool = False) -> int:
    """Delete the log's calls older than `days` (settings.API_CALL_RETENTION_DAYS), every Caisse's, in
    one statement; returns how many (`dry_run`: counts them, deletes nothing)."""
    days = settings.API_CALL_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValidationError(
            _("La durée de conservation du journal des appels doit être d'au moins un jour.")
        )
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    old = ApiCall.objects.filter(at__lt=since)
    return old.count() if dry_run else old.delete()[0]
