"""The language of an e-mail to a family (French, English or Arabic).

An e-mail is composed (gettext) before it is queued, so its text is written in the language active
at that moment. A parent's own action runs in the parent's language (`www/i18n.py`); what an agent
or the worker sends to a family is composed inside `in_language_of(recipients)`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from refectoire.accounts.models import User


def known_languages(addresses) -> dict[str, set[str]]:
    """Lower-cased address → the languages of the accounts with that e-mail, for many recipients at
    once (one query; `recipients_language(..., known=…)` then reads it instead of the database)."""
    lowered = sorted({address.lower() for address in addresses if address})
    known: dict[str, set[str]] = {}
    for start in range(0, len(lowered), 500):
        matching = Q()
        for address in lowered[start : start + 500]:
            matching |= Q(email__iexact=address)
        for email, language in User.objects.filter(matching).values_list("email", "language"):
            known.setdefault(email.lower(), set()).add(language or settings.LANGUAGE_CODE)
    return known


def recipients_language(recipients, *, default: str | None = None, known=None) -> str:
    """The language the accounts of these addresses chose; `default` (French unless given) when
    none chose, French when they chose differently.

    `known`: what `known_languages` returned for a batch of recipients including these."""
    default = default or settings.LANGUAGE_CODE
    addresses = [address for address in recipients if address]
    if not addresses:
        return default
    if known is not None:
        languages = set().union(*(known.get(address.lower(), set()) for address in addresses))
        if not languages:
            return default
        return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE
    matching = Q()
    for address in addresses:
        matching |= Q(email__iexact=address)
    chosen = {language for language in User.objects.filter(matching).values_list("language", flat=True)}
    languages = {language or default for language in chosen} or {default}
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(recipients, *, default: str | None = None, known=None):
    """Compose what is inside in the language the recipients chose (`default` when none chose:
    a visitor's own page language for the mails of their own action, French otherwise)."""
    with translation.override(recipients_language(recipients, default=default, known=known)):
        yield
