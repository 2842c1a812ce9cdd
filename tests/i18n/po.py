"""A small reader of gettext .po files (enough for ours: no dependency), and the parent pages' scope.

The parent pages (issue 19) are offered in English and Arabic; `PARENT_SOURCES` names the files whose
strings a parent reads: their msgids must be translated (tests/i18n/test_translations.py).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "refectoire" / "locale"

# Where a string a parent reads comes from: the public pages, the account pages, « Mon espace » and
# everything under it, the e-mails to families, and the labels of what a parent sees (states).
PARENT_SOURCES = (
    "refectoire/templates/base.html",
    "refectoire/templates/400.html",
    "refectoire/templates/403.html",
    "refectoire/templates/404.html",
    "refectoire/templates/500.html",
    "refectoire/templates/includes/",
    "refectoire/templates/public/",
    "refectoire/templates/account/",
    "refectoire/templates/allauth/",
    "refectoire/templates/portal/",
    "refectoire/templates/billing/emails/",
    "refectoire/www/i18n.py",
    "refectoire/accounts/",
    "refectoire/www/public/",
    "refectoire/www/portal/",
    "refectoire/www/common/",
    "refectoire/core/forms.py",
    "refectoire/pricing/selectors.py",
    "refectoire/households/emails.py",
    "refectoire/billing/notifications.py",
    # Every module that e-mails families (tests/i18n/test_family_emails.py lists the senders), with
    # the refusals and form errors its services give a parent.
    "refectoire/enrollment/notifications.py",
    "refectoire/messaging/notifications.py",
    "refectoire/messaging/services.py",
    "refectoire/requests/notifications.py",
    "refectoire/requests/situation.py",
    "refectoire/requests/rules.py",  # the rules a request is checked against: errors next to the fields
    "refectoire/pricing/services.py",
    "refectoire/stays/services.py",
    "refectoire/adultmeals/services.py",
    "refectoire/privacy/exports.py",
    "refectoire/privacy/services.py",
    # Direct debit: the mandate, the pre-notification, the IBAN checks and the e-mails to families.
    "refectoire/directdebit/",
    "refectoire/templates/menus/",
    "refectoire/menus/enums.py",
    "refectoire/enrollment/pai.py",
    "refectoire/enrollment/options.py",
    # The labels of the states, kinds and reasons a parent reads (the agents' roles are not shown).
    *(
        f"refectoire/{app}/enums.py"
        for app in (
            "accounts",
            "adultmeals",
            "billing",
            "documents",
            "enrollment",
            "households",
            "payments",
            "pricing",
            "privacy",
            "requests",
            "schools",
            "stays",
        )
    ),
)


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    occurrences: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags

    def is_used_by(self, prefixes) -> bool:
        return any(path.startswith(prefix) for path in self.occurrences for prefix in prefixes)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    entries, entry, last = [], None, None

    def close():
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#:"):
            if entry is None or last != "comment":
                close()
                entry, last = Entry(msgid=""), "comment"
            entry.occurrences += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
            continue
        if line.startswith("#,"):
            if entry is None or last != "comment":
                close()
                entry, last = Entry(msgid=""), "comment"
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if entry is None or last != "comment":
                close()
                entry, last = Entry(msgid=""), "comment"
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and last not in ("comment", "msgctxt"):
                close()
                entry = Entry(msgid="")
            if keyword == "msgctxt":
                entry.msgctxt = text
            elif keyword == "msgid":
                entry.msgid = text
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgstr[int(index or 0)] = text
            last = keyword if index is None else f"msgstr[{index}]"
            continue
        if line.startswith('"'):
            text = _unquote(line)
            if last == "msgctxt":
                entry.msgctxt += text
            elif last == "msgid":
                entry.msgid += text
            elif last == "msgid_plural":
                entry.msgid_plural += text
            elif last and last.startswith("msgstr"):
                index = int(last[7:-1]) if "[" in last else 0
                entry.msgstr[index] += text
    close()
    return [e for e in entries if e.msgid]


def parent_entries(language: str) -> list[Entry]:
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    return [e for e in entries if e.is_used_by(PARENT_SOURCES)]


def compile_if_stale() -> None:
    """Compiles the .mo files when one is missing or older than its .po (a fresh clone, a new string)."""
    import subprocess

    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            partial = mo.with_suffix(".mo.partial")
            subprocess.run(["msgfmt", "--check", "-o", str(partial), str(po)], check=True)
            partial.replace(mo)
