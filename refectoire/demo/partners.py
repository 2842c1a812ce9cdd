"""Demo: a partners' API token of cde11 (« Cuisine centrale (démo) »: forecast:read, menus:read,
calendar:read) whose value is fixed and written in docs/api.md, so that its curl examples work on
`./dev demo`. Made by the domain service, then given the demo value; a second run changes nothing.
Never use this value anywhere but the demo: anyone can read it."""

from refectoire.caisses.models import Caisse
from refectoire.partners.enums import ApiScope
from refectoire.partners.models import TOKEN_MARK, ApiToken, secret_hash
from refectoire.partners.services import api_token_create

DEMO_TOKEN_PREFIX = "demo11"
DEMO_TOKEN_SECRET = "cuisine-centrale-de-demonstration"
DEMO_TOKEN = f"{TOKEN_MARK}_{DEMO_TOKEN_PREFIX}_{DEMO_TOKEN_SECRET}"
DEMO_TOKEN_SCOPES = [
    scope.value for scope in (ApiScope.FORECAST_READ, ApiScope.MENUS_READ, ApiScope.CALENDAR_READ)
]


def seed(*, stdout) -> None:
    caisse = Caisse.objects.get(slug="cde11")
    if ApiToken.objects.filter(prefix=DEMO_TOKEN_PREFIX).exists():
        return
    token, _random_value = api_token_create(
        caisse=caisse, name="Cuisine centrale (démo)", scopes=DEMO_TOKEN_SCOPES, actor=None
    )
    token.prefix = DEMO_TOKEN_PREFIX
    token.secret_hash = secret_hash(DEMO_TOKEN_SECRET)
    token.save(update_fields=["prefix", "secret_hash", "updated_at"])
    stdout.write(f"Jeton d'API de démonstration (cde11) : {DEMO_TOKEN}")
