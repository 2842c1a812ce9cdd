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


def recipients_language(recipients, *, default: str | None = None) -> str:
    """The language the accounts of these addresses chose; `default` (French unless given) when
    none chose, French when they chose differently."""
    default = default or settings.LANGUAGE_CODE
    addresses = [address for address in recipients if address]
    if not addresses:
        return default
    matching = Q()
    for address in addresses:
        matching |= Q(email__iexact=address)
    chosen = {language for language in User.objects.filter(matching).values_list("language", flat=True)}
    languages = {language or default for language in chosen} or {default}
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


@contextmanager
def in_language_of(recipients, *, default: str | None = None):
    """Compose what is inside in the language the recipients chose (`default` when none chose:
    a visitor's own page language for the mails of their own action, French otherwise)."""
    with translation.override(recipients_language(recipients, default=default)):
        yield
