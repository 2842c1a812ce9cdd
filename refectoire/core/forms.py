"""Form helpers every screen shares: the date widget, the euros field, a service's errors on a form.

A rule lives in its service; a form only parses what is typed and shows, next to the field it
names, the `ValidationError` the service raised (`add_service_errors`).
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from refectoire.core.validators import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class DateInput(forms.DateInput):
    """The browser's date picker; the value sent and shown as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EurosField(forms.DecimalField):
    """An amount typed the French way: "3 200,50", "3200.50" or "3 200,50 €" (a Decimal, never a float)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        """A stored amount shows as « 888,90 », the way it is typed."""
        if isinstance(value, Decimal):
            return formats.number_format(value, decimal_pos=self.decimal_places, use_l10n=True)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
            value = value.replace(",", ".")
        try:
            return super().to_python(value)
        except InvalidOperation as error:  # pragma: no cover (DecimalField raises ValidationError)
            raise ValidationError(_("Saisissez un nombre.")) from error


def add_service_errors(form, error: ValidationError, *, renamed: dict[str, str] | None = None) -> None:
    """Put a service's `ValidationError` on `form`: next to the field it names when the form has
    that field (`renamed` maps a model's field to the form's), above the form otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = (renamed or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)
