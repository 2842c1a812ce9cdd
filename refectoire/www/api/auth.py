"""Who calls: a partner's bearer token of the Caisse in the URL, with the scope the endpoint needs;
and the per-token rate limit."""

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from refectoire.partners.ratelimit import rate_limit_wait
from refectoire.partners.selectors import api_token_find
from refectoire.www.api.problems import ApiProblem

UNKNOWN = (
    "Jeton d'API absent ou inconnu pour cette Caisse : envoyez l'en-tête « Authorization: Bearer <jeton> »."
)


def check_rate(request, key: str) -> None:
    wait = rate_limit_wait(key=key, limit=settings.API_RATE_PER_MINUTE, period=60)
    if wait is not None:
        raise ApiProblem(
            429,
            f"Limite de {settings.API_RATE_PER_MINUTE} appels par minute atteinte : réessayez dans {wait} s.",
            headers={"Retry-After": str(wait)},
        )


class TokenAuth(HttpBearer):
    """A token of request.caisse, usable, with `scope`. `optional`: no token at all is let through
    (open data), but a token sent is checked all the same."""

    def __init__(self, scope: str, *, optional: bool = False):
        super().__init__()
        self.scope = scope
        self.optional = optional

    def __call__(self, request):
        if self.optional and not request.headers.get(self.header):
            check_rate(request, f"ip:{request.META.get('REMOTE_ADDR', '')}")
            return "anonymous"
        return super().__call__(request)

    def authenticate(self, request, token):
        found = api_token_find(caisse=request.caisse, raw=token)
        if found is None:
            return None
        request.api_token = found
        if found.is_revoked:
            raise ApiProblem(401, "Ce jeton a été révoqué.", headers={"WWW-Authenticate": "Bearer"})
        if found.is_expired(timezone.now()):
            raise ApiProblem(401, "Ce jeton a expiré.", headers={"WWW-Authenticate": "Bearer"})
        if self.scope not in found.scopes:
            raise ApiProblem(403, f"Ce jeton n'a pas le droit « {self.scope} ».")
        check_rate(request, f"token:{found.pk}")
        return found
