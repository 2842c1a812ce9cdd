"""The bounds a person expects on what is typed: names, phones, free text, birth dates.

Models carry them as field validators (so `full_clean()` in every service applies them, whatever
form or import fed the service); forms take the same limits to say it next to the field.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FREE_TEXT_MAX = 5000  # a message, a reason, a correction: five thousand characters at most
NAME_MAX = 80  # « Marie-Anne-Christine de la Tour d'Auvergne » fits, a pasted paragraph does not
# The children a Caisse des écoles serves: 2 to 12 years old on the first day of a school year.
CHILD_AGE_MIN, CHILD_AGE_MAX = 2, 12
# A representative: an adult, born less than 110 years ago.
GUARDIAN_AGE_MIN, GUARDIAN_AGE_MAX = 16, 110

# The Caisse's own long texts (its conditions of use) are not free text of a form.
EDITORIAL_TEXT_MAX = 50_000

validate_free_text = MaxLengthValidator(
    FREE_TEXT_MAX,
    message=_("Ce texte est trop long : %(limit_value)d caractères au plus (il en compte %(show_value)d)."),
)
validate_editorial_text = MaxLengthValidator(
    EDITORIAL_TEXT_MAX,
    message=_("Ce texte est trop long : %(limit_value)d caractères au plus (il en compte %(show_value)d)."),
)


def check_free_texts(**texts) -> None:
    """Every text given (a value of a form's data may be a dict or a list) within FREE_TEXT_MAX,
    for services whose rows are not `full_clean()`ed: the error names the field."""
    errors = {}
    for name, value in texts.items():
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                try:
                    validate_free_text(item)
                except ValidationError as error:
                    errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


# Letters (any alphabet, with accents), separated by a space, a hyphen, an apostrophe or a period.
# (Accents typed as combining marks, U+0300 to U+036F, are letters too.)
LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])+"
NAME_RE = re.compile(rf"{LETTERS}(?:(?:[ \-'’.]|, )+{LETTERS})*\.?")


def validate_person_name(value: str) -> None:
    if not value:
        return
    if len(value) > NAME_MAX:
        raise ValidationError(
            _("Ce nom est trop long : %(max)d caractères au plus.") % {"max": NAME_MAX}, code="name_length"
        )
    if not NAME_RE.fullmatch(value.strip()):
        raise ValidationError(
            _("Un nom s'écrit avec des lettres, des espaces, des traits d'union ou des apostrophes."),
            code="name_characters",
        )


PHONE_RE = re.compile(r"^(?:\+33|0033|0)([1-9])(\d{8})$")


def normalize_phone(value: str) -> str:
    """A French phone number as `06 12 34 56 78`; other international numbers kept as typed."""
    compact = re.sub(r"[\s.\-()]", "", value or "")
    if not compact:
        return ""
    match = PHONE_RE.match(compact)
    if match:
        digits = "0" + match.group(1) + match.group(2)
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+\d{8,15}", compact):
        return compact
    raise ValidationError(
        _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."), code="phone"
    )


def validate_phone(value: str) -> None:
    normalize_phone(value)


def school_year_start(day: datetime.date) -> datetime.date:
    """The 1st of September that starts the school year `day` belongs to (July and August: the next)."""
    return datetime.date(day.year if day.month >= 7 else day.year - 1, 9, 1)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def validate_child_birth_date(value: datetime.date | None, *, today: datetime.date | None = None) -> None:
    """A school child: at least 2 years old at the start of the next school year, at most 12 at the
    start of the current one."""
    if value is None:
        return
    start = school_year_start(today or timezone.localdate())
    youngest = years_before(start.replace(year=start.year + 1), CHILD_AGE_MIN)
    oldest = years_before(start, CHILD_AGE_MAX + 1) + datetime.timedelta(days=1)
    if not oldest <= value <= youngest:
        raise ValidationError(
            _(
                "Un enfant inscrit à la restauration scolaire a entre %(min)d et %(max)d ans : "
                "saisissez une date de naissance entre le %(oldest)s et le %(youngest)s."
            )
            % {
                "min": CHILD_AGE_MIN,
                "max": CHILD_AGE_MAX,
                "oldest": oldest.strftime("%d/%m/%Y"),
                "youngest": youngest.strftime("%d/%m/%Y"),
            },
            code="child_birth_date",
        )


def validate_adult_birth_date(value: datetime.date | None, *, today: datetime.date | None = None) -> None:
    if value is None:
        return
    today = today or timezone.localdate()
    if not years_before(today, GUARDIAN_AGE_MAX) <= value <= years_before(today, GUARDIAN_AGE_MIN):
        raise ValidationError(
            _("Vérifiez la date de naissance : un représentant a entre %(min)d et %(max)d ans.")
            % {"min": GUARDIAN_AGE_MIN, "max": GUARDIAN_AGE_MAX},
            code="adult_birth_date",
        )


# An amount in euros: up to 99 999 999,99, in cents.
MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES = 10, 2
