"""What a person reads on a page: never an internal code, an ISO date, or HTML in the tab's title.

`raw_codes(text)` finds the values of the project's `TextChoices` (« issued », « payment_cancelled »,
« calendar ») written as they are stored instead of their French label; the values that are also
ordinary French words (« absence », « message », « correction ») or too short to tell (« m », « A »)
are left out. `iso_dates(text)` finds « 2031-01-01 ». `title_problems(title)` says why a `<title>`
is not plain text. The crawl (test_crawl.py) runs them on the visible text of every page.
"""

import functools
import importlib
import inspect
import pkgutil
import re

from django.db import models

# Values of enums that a French sentence may contain as words of its own.
FRENCH_WORDS = {
    "absence",
    "active",
    "agent",
    "caisse",
    "contact",
    "correction",
    "import",
    "local",  # « Produit local », a quality label of the menus
    "maternelle",
    "message",
    "polyvalente",
    "radiation",
    "situation",
    "transition",
    "vaccination",
    "ville",
}

# Enums whose codes are shown beside their label on purpose: the SEPA reason codes (« AC04 — Compte
# clôturé ») are what the bank's return file and the agents speak in.
SHOWN_AS_CODES = {"RejectReason"}

ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w-])")


def project_text_choices():
    """Every `TextChoices` declared in the project's `enums` and `models` modules."""
    import refectoire

    found = []
    for module_info in pkgutil.walk_packages(refectoire.__path__, "refectoire."):
        if module_info.name.rsplit(".", 1)[-1] not in {"enums", "models"}:
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, models.TextChoices)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


@functools.cache
def raw_code_pattern():
    codes = set()
    for choices in project_text_choices():
        if choices.__name__ in SHOWN_AS_CODES:
            continue
        for choice in choices:
            value = str(choice.value)
            if len(value) <= 2 or value in FRENCH_WORDS or value.lower() == str(choice.label).lower():
                continue
            if value in str(choice.label):  # the label shows the code on purpose (« AC04 : … », « (FRST) »)
                continue
            codes.add(value)
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    # a code on its own: not a piece of a longer word, an address, a file name or a list of columns
    return re.compile(rf"(?<![\w/.@;-])({alternatives})(?![\w/@;-]|\.\w)")


def raw_codes(text: str) -> list[str]:
    return sorted(set(raw_code_pattern().findall(text)))


def iso_dates(text: str) -> list[str]:
    return sorted(set(ISO_DATE.findall(text)))


def title_problems(title: str) -> list[str]:
    if "<" in title or "&lt;" in title or "&gt;" in title or "&amp;" in title:
        return [f"<title> avec du HTML : « {title[:80]} »"]
    return []


def text_problems(text: str) -> list[str]:
    """The codes and ISO dates in a page's visible text, as the crawl reports them."""
    problems = []
    if codes := raw_codes(text):
        problems.append(f"codes internes affichés : {codes}")
    if dates := iso_dates(text):
        problems.append(f"dates ISO affichées : {dates}")
    return problems
