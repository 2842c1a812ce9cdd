"""Every text field of every form has an upper bound; free text is 5,000 characters at most."""

import importlib
import inspect
import pkgutil

from django import forms

import refectoire.www
from refectoire.core.validators import FREE_TEXT_MAX


def www_forms():
    for module_info in pkgutil.walk_packages(refectoire.www.__path__, "refectoire.www."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
                and hasattr(value, "base_fields")
            ):
                yield value


def test_every_text_field_of_every_form_is_bounded():
    unbounded = []
    for form in www_forms():
        for name, field in form.base_fields.items():
            if type(field) is not forms.CharField:
                continue
            if field.max_length is None or (
                isinstance(field.widget, forms.Textarea)
                and field.max_length > FREE_TEXT_MAX
                and name not in {"cgu_text", "notice_text"}  # the CGU and the privacy notice: legal texts
            ):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not unbounded, unbounded
