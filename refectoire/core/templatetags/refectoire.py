import re

from django import forms, template
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.template.defaultfilters import urlize
from django.template.loader import render_to_string
from django.utils.html import format_html

from refectoire.core import display
from refectoire.core.translated import fallback_language
from refectoire.core.translated import translated as translated_text

register = template.Library()


def _kind(widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.simple_tag
def field(bound_field, **options):
    """A form field in DSFR markup: label (with * when required), hint, input, error next to it."""
    widget = bound_field.field.widget
    kind = _kind(widget)
    error_id = f"{bound_field.auto_id}-desc-error"
    attrs = {}
    if kind in {"input", "select", "file"}:
        css = {"input": "fr-input", "select": "fr-select", "file": "fr-upload"}[kind]
        attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        if bound_field.errors:
            attrs["class"] += f" {css}--error"
            attrs["aria-invalid"] = "true"
    if bound_field.errors:
        attrs["aria-describedby"] = error_id
    if isinstance(widget, forms.Textarea):
        attrs.setdefault("rows", widget.attrs.get("rows", 5))
    return render_to_string(
        f"includes/fields/{kind}.html",
        {
            "field": bound_field,
            "widget_html": bound_field.as_widget(attrs=attrs) if kind not in {"checkboxes", "radios"} else "",
            "error_id": error_id,
            "required": bound_field.field.required,
            **options,
        },
    )


@register.filter
def initials(person) -> str:
    first = (getattr(person, "first_name", "") or "")[:1]
    last = (getattr(person, "last_name", "") or "")[:1]
    return (first + last).upper()


@register.filter
def version_changes(record) -> str:
    """What a django-simple-history version changed, « jours de présence : lundi, mardi · … »."""
    return " · ".join(f"{name} : {value}" for name, value in display.version_changes(record))


@register.filter
def translated(obj, name):
    """`{{ stay|translated:"title" }}`: a Caisse's text in the page's language, French when none."""
    return translated_text(obj, name)


@register.simple_tag
def lang_of(obj, name):
    """` lang="fr"` on the element when the French text stands in on an English or Arabic page."""
    language = fallback_language(obj, name)
    return format_html(' lang="{}"', language) if language else ""


LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


@register.filter(needs_autoescape=True)
def rich_text(value, autoescape=True) -> str:
    """A text a manager typed (the Caisse's welcome text): paragraphs, addresses made links, and
    « [veuillez cliquer ici](https://…) » a link with its own words, as the guides write them."""
    parts, position = [], 0
    for match in LINK.finditer(value or ""):
        parts.append(urlize(value[position : match.start()], autoescape=autoescape))
        parts.append(format_html('<a href="{}">{}</a>', match.group(2), match.group(1)))
        position = match.end()
    parts.append(urlize((value or "")[position:], autoescape=autoescape))
    return linebreaks("".join(parts), autoescape=False)
