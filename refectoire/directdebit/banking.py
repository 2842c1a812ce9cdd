"""Checks of bank identifiers: an IBAN and a BIC (with schwifty), a creditor identifier (ICS)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)


@dataclass(frozen=True)
class CheckedAccount:
    iban: str  # compact, capitals
    bic: str
    bank_name: str


def _compact(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def check_account(*, iban: str, bic: str = "", field: str = "iban", bic_field: str = "bic") -> CheckedAccount:
    """The account of a mandate: a valid IBAN of the SEPA zone, of a known bank when French; the BIC
    derived from the IBAN, else the one given (required then). Raises a ValidationError per field."""
    value = _compact(iban)
    if not value:
        raise ValidationError({field: _("Indiquez l'IBAN du compte à prélever.")})
    try:
        account = IBAN(value)
    except InvalidCountryCode as error:
        raise ValidationError(
            {field: _("Cet IBAN ne commence pas par un code de pays connu (FR76… pour un compte en France).")}
        ) from error
    except InvalidLength as error:
        raise ValidationError(
            {field: _("Cet IBAN n'a pas la bonne longueur (27 caractères pour un compte en France).")}
        ) from error
    except InvalidChecksumDigits as error:
        raise ValidationError(
            {
                field: _(
                    "Cet IBAN contient une erreur (clé de contrôle incorrecte) : vérifiez chaque caractère."
                )
            }
        ) from error
    except SchwiftyException as error:
        raise ValidationError({field: _("Cet IBAN n'est pas valide : vérifiez chaque caractère.")}) from error
    if not account.in_sepa_zone:
        raise ValidationError(
            {
                field: _(
                    "Ce compte est hors de la zone SEPA : il ne peut pas être prélevé. Choisissez un autre compte."
                )
            }
        )
    if account.country_code == "FR" and account.bank is None:
        raise ValidationError(
            {
                field: _(
                    "Cet IBAN ne correspond à aucune banque française connue : vérifiez les chiffres 5 à 9."
                )
            }
        )
    derived = account.bic
    given = _compact(bic)
    if derived is not None:
        return CheckedAccount(iban=account.compact, bic=str(derived), bank_name=account.bank_name or "")
    if not given:
        raise ValidationError(
            {bic_field: _("La banque de cet IBAN n'est pas connue : indiquez son BIC (8 ou 11 caractères).")}
        )
    return CheckedAccount(iban=account.compact, bic=check_bic(given, field=bic_field), bank_name="")


def check_bic(value: str, *, field: str = "bic") -> str:
    value = _compact(value)
    try:
        return str(BIC(value))
    except SchwiftyException as error:
        raise ValidationError(
            {field: _("Ce BIC n'est pas valide : 8 ou 11 lettres et chiffres, par exemple AGRIFRPP.")}
        ) from error


def account_hint(iban: str) -> str:
    """« FR76 •••• •••• 1234 »: what anyone but a manager on the mandate page reads of an IBAN."""
    iban = _compact(iban)
    return f"{iban[:4]} •••• •••• {iban[-4:]}"


def iban_formatted(iban: str) -> str:
    iban = _compact(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _mod97(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text)) % 97


def check_creditor_id(value: str, *, field: str = "creditor_id") -> str:
    """An ICS (identifiant créancier SEPA): country, two check digits, a 3-character business code,
    the national identifier (FR: 6 characters); the check digits follow ISO 7064 mod 97-10 over the
    national identifier and the country, the business code left out."""
    value = _compact(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}", value):
        raise ValidationError(
            {
                field: _(
                    "Un ICS s'écrit comme FR12ZZZ123456 : pays, 2 chiffres de clé, 3 caractères, identifiant."
                )
            }
        )
    if value.startswith("FR") and len(value) != 13:
        raise ValidationError({field: _("Un ICS français a 13 caractères, par exemple FR12ZZZ123456.")})
    country, check, national = value[:2], value[2:4], value[7:]
    if 98 - _mod97(national + country + "00") != int(check):
        raise ValidationError({field: _("La clé de cet ICS est incorrecte : vérifiez chaque caractère.")})
    return value


def creditor_id_with_key(country: str, national: str, business: str = "ZZZ") -> str:
    """The ICS of `national` with its check digits (demo data, tests)."""
    key = 98 - _mod97(national + country + "00")
    return f"{country}{key:02d}{business}{national}"
