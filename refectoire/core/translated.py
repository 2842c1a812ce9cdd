"""Content a Caisse writes for families (news, FAQ, stay descriptions), in French and, when the
agents wrote them, in English and Arabic (issue 19).

A translatable field `title` has two optional siblings, `title_en` and `title_ar`, declared next to
it with `content_translation(title, "en")`. `translated(obj, "title")` is the text a parent reads in
the active language: the English or Arabic one when the agents wrote it, the French one otherwise.
When the French one stands in on an English or Arabic page, `fallback_language` says so, and the
template marks that part `lang="fr"` so a screen reader reads it with a French voice (RGAA 8.7).
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

CONTENT_LANGUAGES = ("en", "ar")
# "en anglais (English)": the agent reads French, the language's own name helps a translator.
LANGUAGE_LABELS = {
    "en": _("en anglais (English), facultatif"),
    "ar": _("en arabe (العربية), facultatif"),
}
DIRECTIONS = {"en": "ltr", "ar": "rtl"}


def content_translation(field: models.Field, language: str) -> models.Field:
    """The `<name>_<language>` sibling of a French content field: same kind, length and checks, optional."""
    _name, _path, args, kwargs = field.deconstruct()
    kwargs.update(
        blank=True,
        default="",
        verbose_name=format_lazy("{} {}", capfirst(field.verbose_name), LANGUAGE_LABELS[language]),
        help_text=_("Laissé vide : les familles lisent le texte en français."),
    )
    return field.__class__(*args, **kwargs)


def _active() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def translated(obj, name: str) -> str:
    """The text of field `name` in the active language, the French one when none was written."""
    language = _active()
    if language in CONTENT_LANGUAGES:
        value = getattr(obj, f"{name}_{language}", "")
        if value and value.strip():
            return value
    return getattr(obj, name)


def fallback_language(obj, name: str) -> str:
    """ "fr" when the French text stands in for the active language's; "" when the text is in it."""
    language = _active()
    if language in CONTENT_LANGUAGES and not (getattr(obj, f"{name}_{language}", "") or "").strip():
        return settings.LANGUAGE_CODE
    return ""


def mark_content_languages(form) -> None:
    """Give the English and Arabic inputs of a back-office form their `lang` and `dir`: the agent
    types Arabic right to left, and a screen reader reads each input in its language."""
    for name, form_field in form.fields.items():
        base, _sep, language = name.rpartition("_")
        if language in CONTENT_LANGUAGES and base in form.fields:
            form_field.widget.attrs.update(lang=language, dir=DIRECTIONS[language])
