"""A Caisse's identifiers with its public accountant (Hélios), as the PES V2 schema wants them.

The patterns are those of the official DGFiP schema set v5.11 (Simple_Type.xsd); a code made only
of zeros is refused as the schema's `V_BaseAlphanum` does.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


def luhn_valid(digits: str) -> bool:
    """True when the Luhn sum of `digits` (every second digit from the right doubled) ends in 0."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if not (len(value) == 14 and value.isdigit()):
        raise ValidationError(_("Le SIRET compte 14 chiffres."), code="siret_format")
    if set(value) == {"0"} or not luhn_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le."),
            code="siret_key",
        )


def validate_not_only_zeros(value: str) -> None:
    if value and set(value) == {"0"}:
        raise ValidationError(_("Un code fait uniquement de zéros n'est pas accepté par le comptable."))


validate_id_post = RegexValidator(
    r"^(02[AB][0-9]{3,4}|[0-9]{6,7})$",
    _("Le codique du poste comptable compte 6 ou 7 chiffres (ou 02A/02B suivi de 3 ou 4 chiffres)."),
)
validate_cod_col = RegexValidator(r"^[0-9]{3}$", _("Le code collectivité compte 3 chiffres."))
validate_cod_bud = RegexValidator(
    r"^[0-9A-Z][0-9]$",
    _("Le code budget compte 2 caractères : un chiffre ou une majuscule, puis un chiffre."),
)
validate_nature = RegexValidator(
    r"^[1-9][0-9]{0,11}$", _("Le compte de nature compte de 1 à 12 chiffres, sans zéro au début.")
)
validate_function = RegexValidator(r"^[0-9]{1,10}$", _("Le code fonction compte de 1 à 10 chiffres."))
validate_product_code = RegexValidator(
    r"^[0-9A-Z]{1,4}$", _("Le code produit local compte de 1 à 4 lettres majuscules ou chiffres.")
)

# The Caisse's fields that hold its identifiers with the accountant, in the profile's order.
ACCOUNTING_FIELDS = [
    "pes_id_post",
    "pes_post_label",
    "siret",
    "pes_cod_col",
    "pes_cod_bud",
    "pes_nature",
    "pes_function",
    "pes_product_code",
]

# The identifiers a PES export needs (the post's label and the function are optional).
PES_REQUIRED_FIELDS = ["pes_id_post", "siret", "pes_cod_col", "pes_cod_bud", "pes_nature", "pes_product_code"]


def pes_missing_identifiers(caisse) -> list[str]:
    """The labels of the identifiers a PES export needs that `caisse` has not entered yet."""
    return [
        str(caisse._meta.get_field(name).verbose_name)
        for name in PES_REQUIRED_FIELDS
        if not getattr(caisse, name)
    ]
