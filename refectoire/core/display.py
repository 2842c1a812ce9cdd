"""How a stored value reads for a person: labels of choices, French dates and numbers.

`field_display(instance, name)` is the one reading of a model field for a screen: the French
label of a choice (or the model's own `get_<name>_display()`), « 01/09/2026 » for a date,
« 888,90 » for a decimal, « oui » / « non », the related object's name. `version_changes(record)`
says what a version of django-simple-history changed, field by field, in those words.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Every model has them; a version never needs to say so.
TECHNICAL_FIELDS = {"id", "uuid", "created_at", "updated_at"}


def value_display(value, *, decimal_places=None) -> str:
    """A plain value in French: dates « 01/09/2026 », decimals « 888,90 », booleans « oui »."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, Decimal | float):
        return formats.number_format(value, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)
    return str(value)


def field_display(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    custom = getattr(instance, f"get_{name}_display", None)
    if callable(custom):
        shown = custom()
        return str(shown) if shown not in (None, "") else "—"
    if field.is_relation:
        try:
            related = getattr(instance, name)
        except ObjectDoesNotExist:
            return "—"
        return str(related) if related is not None else "—"
    return value_display(
        getattr(instance, field.attname), decimal_places=getattr(field, "decimal_places", None)
    )


def shown_fields(model) -> list[str]:
    """The fields a person knows by name: those given a (French) verbose name."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in TECHNICAL_FIELDS and str(field.verbose_name) != field.name.replace("_", " ")
    ]


def version_changes(record) -> list[tuple[str, str]]:
    """(field's name, new value) for what a historical record changed; every filled field for a creation."""
    instance = record.instance
    names = shown_fields(type(instance))
    previous = record.prev_record if record.history_type == "~" else None
    if previous is not None:
        changed = {change.field for change in record.diff_against(previous).changes}
        names = [name for name in names if name in changed]
    shown = [
        (str(instance._meta.get_field(name).verbose_name), field_display(instance, name)) for name in names
    ]
    # a creation says what was filled in; a change also says what was emptied
    return [(name, value) for name, value in shown if previous is not None or value != "—"]


# A first name beginning with a vowel (or a mute h is not guessed: « de Hugo ») takes « d' » in French.
VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def starts_with_vowel(name: str) -> bool:
    """« Elie » → True (« Garde d'Elie »), « Hikari » → False (« Garde de Hikari »)."""
    return bool(name) and name[0].lower() in VOWELS
