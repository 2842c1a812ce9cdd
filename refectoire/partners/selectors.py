"""Finding a token from what a partner sends, and its recent calls."""

import hmac

from django.db.models import Max

from refectoire.partners.models import TOKEN_MARK, ApiCall, ApiToken, secret_hash


def api_token_find(*, caisse, raw: str) -> ApiToken | None:
    """The token of `caisse` whose full value is `raw` (revoked or expired ones too: the caller
    says why it refuses), or None."""
    mark, _sep, rest = (raw or "").strip().partition("_")
    prefix, _sep, secret = rest.partition("_")
    if mark != TOKEN_MARK or not prefix or not secret or len(prefix) > 16:
        return None
    token = ApiToken.objects.for_caisse(caisse).select_related("school").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, secret_hash(secret)):
        return None
    return token


def api_token_calls(token: ApiToken, *, limit: int = 50) -> list[ApiCall]:
    return list(ApiCall.objects.filter(token=token).order_by("-at", "-pk")[:limit])


def api_tokens_last_call(tokens) -> dict[int, object]:
    """Token id → the time of its last call."""
    return dict(
        ApiCall.objects.filter(token__in=tokens)
        .values("token_id")
        .annotate(last=Max("at"))
        .values_list("token_id", "last")
    )
