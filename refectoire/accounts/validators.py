import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The live checklist of the guide: "8 caractères, une minuscule, une majuscule, un chiffre".
PASSWORD_RULES = [
    ("length", r".{8,}", "8 caractères"),
    ("lower", r"[a-zà-ÿ]", "une minuscule"),
    ("upper", r"[A-ZÀ-Þ]", "une majuscule"),
    ("digit", r"[0-9]", "un chiffre"),
]


class CharacterClassesValidator:
    """At least one lowercase letter, one uppercase letter and one digit."""

    def validate(self, password, user=None):
        missing = [label for key, pattern, label in PASSWORD_RULES[1:] if not re.search(pattern, password)]
        if missing:
            raise ValidationError(
                _("Le mot de passe doit contenir au moins %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self):
        return _("Au moins 8 caractères, une minuscule, une majuscule et un chiffre.")


def validate_postcode(value: str) -> None:
    if not re.fullmatch(r"\d{5}", value or ""):
        raise ValidationError(_("Le code postal doit comporter 5 chiffres."))
