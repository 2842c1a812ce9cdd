"""API Particulier client: the family quotient from the CAF or the MSA (v2 and v3).

v2: GET {base}/api/v2/composition-familiale-v2, header `X-Api-Key: <token>`, identity as
    nomNaissance, prenoms[], sexe, anneeDateDeNaissance…, codeInseeLieuDeNaissance,
    codePaysLieuDeNaissance; answers regime, allocataires[], enfants[], adresse{}, quotientFamilial,
    annee, mois.
v3: GET {base}/v3/dss/quotient_familial/identite?recipient=<SIRET>, header
    `Authorization: Bearer <token>`, the same identity renamed (sexeEtatCivil, codeCogInsee…);
    answers data.quotient_familial{fournisseur, valeur, annee, mois, …}, allocataires, enfants, adresse.

Every failure is one of the exceptions below, each with a message for the parent.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

# Seconds to wait for an answer; the Django setting API_PARTICULIER_TIMEOUT overrides it.
TIMEOUT_SECONDS = 10


def default_timeout() -> float:
    return getattr(settings, "API_PARTICULIER_TIMEOUT", TIMEOUT_SECONDS)


class ApiParticulierError(Exception):
    message = "Le service de la CAF n'a pas pu répondre. Joignez votre justificatif de ressources."


class NotFound(ApiParticulierError):
    message = (
        "La CAF et la MSA ne connaissent pas de quotient familial pour cette identité. "
        "Vérifiez les informations saisies ou joignez votre justificatif de ressources."
    )


class TooManyRequests(ApiParticulierError):
    message = (
        "Le service de la CAF reçoit trop de demandes en ce moment. Réessayez dans quelques minutes "
        "ou joignez votre justificatif de ressources."
    )


class Timeout(ApiParticulierError):
    message = (
        "Le service de la CAF n'a pas répondu à temps. Réessayez plus tard ou joignez votre "
        "justificatif de ressources."
    )


class Unavailable(ApiParticulierError):
    pass


@dataclass(frozen=True)
class Identity:
    """The account holder's identity, as the CAF knows it (identité pivot)."""

    birth_name: str
    first_names: list[str]
    sex: str  # "F" or "M"
    birth_date: datetime.date
    birth_country_code: str = "99100"  # INSEE code of the country; 99100 = France
    birth_town_code: str = ""  # INSEE (COG) code of the town, for someone born in France
    usage_name: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    first_names: str
    birth_date: str


@dataclass(frozen=True)
class FamilyQuotient:
    value: Decimal
    year: int | None
    month: int | None
    provider: str  # CNAF or MSA
    beneficiaries: list[Person] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    payload: dict = field(default_factory=dict)

    @property
    def month_label(self) -> str:
        if not self.month or not self.year:
            return ""
        return f"{self.month:02d}/{self.year}"


class Client:
    def __init__(self, *, base_url: str, token: str, version: str = "v3", recipient: str = "", timeout=None):
        if version not in {"v2", "v3"}:
            raise ValueError(f"unknown API Particulier version {version!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.version = version
        self.recipient = recipient
        self.timeout = default_timeout() if timeout is None else timeout

    @classmethod
    def for_settings(cls, settings, **kwargs) -> "Client":
        return cls(
            base_url=settings.api_particulier_url,
            token=settings.api_particulier_token,
            version=settings.api_particulier_version,
            recipient=settings.api_particulier_recipient,
            **kwargs,
        )

    def family_quotient(self, identity: Identity) -> FamilyQuotient:
        if self.version == "v2":
            url = f"{self.base_url}/api/v2/composition-familiale-v2"
            headers = {"X-Api-Key": self.token}
            params = self._v2_params(identity)
        else:
            url = f"{self.base_url}/v3/dss/quotient_familial/identite"
            headers = {"Authorization": f"Bearer {self.token}"}
            params = self._v3_params(identity)
        headers["Accept"] = "application/json"
        try:
            response = requests.get(url, params=params, headers=headers, timeout=self.timeout)
        except requests.Timeout as error:
            raise Timeout() from error
        except requests.RequestException as error:
            raise Unavailable() from error
        if response.status_code == 404:
            raise NotFound()
        if response.status_code == 429:
            raise TooManyRequests()
        if response.status_code != 200:
            raise Unavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise Unavailable("not JSON") from error
        try:
            return self._parse_v2(body) if self.version == "v2" else self._parse_v3(body)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise Unavailable("unexpected answer") from error

    # v2 ----------------------------------------------------------------------------------------

    @staticmethod
    def _v2_params(identity: Identity) -> list[tuple[str, str]]:
        params = [("nomNaissance", identity.birth_name)]
        params += [("prenoms[]", name) for name in identity.first_names]
        params += [
            ("sexe", identity.sex),
            ("anneeDateDeNaissance", str(identity.birth_date.year)),
            ("moisDateDeNaissance", str(identity.birth_date.month)),
            ("jourDateDeNaissance", str(identity.birth_date.day)),
            ("codePaysLieuDeNaissance", identity.birth_country_code),
        ]
        if identity.birth_town_code:
            params.append(("codeInseeLieuDeNaissance", identity.birth_town_code))
        return params

    @staticmethod
    def _parse_v2(body: dict) -> FamilyQuotient:
        def person(item):
            born = "-".join(
                str(item.get(key) or "").zfill(width)
                for key, width in (
                    ("anneeDateDeNaissance", 4),
                    ("moisDateDeNaissance", 2),
                    ("jourDateDeNaissance", 2),
                )
            )
            return Person(
                name=item.get("nomUsage") or item.get("nomNaissance") or "",
                first_names=item.get("prenoms") or "",
                birth_date=born,
            )

        return FamilyQuotient(
            value=Decimal(str(body["quotientFamilial"])),
            year=body.get("annee"),
            month=body.get("mois"),
            provider=body.get("regime") or "",
            beneficiaries=[person(item) for item in body.get("allocataires") or []],
            children=[person(item) for item in body.get("enfants") or []],
            payload=body,
        )

    # v3 ----------------------------------------------------------------------------------------

    def _v3_params(self, identity: Identity) -> list[tuple[str, str]]:
        params = [("recipient", self.recipient), ("nomNaissance", identity.birth_name)]
        if identity.usage_name:
            params.append(("nomUsage", identity.usage_name))
        params += [("prenoms[]", name) for name in identity.first_names]
        params += [
            ("sexeEtatCivil", identity.sex),
            ("anneeDateNaissance", str(identity.birth_date.year)),
            ("moisDateNaissance", str(identity.birth_date.month)),
            ("jourDateNaissance", str(identity.birth_date.day)),
            ("codeCogInseePaysNaissance", identity.birth_country_code),
        ]
        if identity.birth_town_code:
            params.append(("codeCogInseeCommuneNaissance", identity.birth_town_code))
        return params

    @staticmethod
    def _parse_v3(body: dict) -> FamilyQuotient:
        data = body["data"]
        quotient = data["quotient_familial"]

        def person(item):
            return Person(
                name=item.get("nom_usage") or item.get("nom_naissance") or "",
                first_names=item.get("prenoms") or "",
                birth_date=item.get("date_naissance") or "",
            )

        return FamilyQuotient(
            value=Decimal(str(quotient["valeur"])),
            year=quotient.get("annee"),
            month=quotient.get("mois"),
            provider=quotient.get("fournisseur") or "",
            beneficiaries=[person(item) for item in data.get("allocataires") or []],
            children=[person(item) for item in data.get("enfants") or []],
            payload=body,
        )


def parse(version: str, body: dict) -> FamilyQuotient:
    """Rebuild a FamilyQuotient from a stored answer (e.g. kept in the session until confirmed)."""
    return Client._parse_v2(body) if version == "v2" else Client._parse_v3(body)
