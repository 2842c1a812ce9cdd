"""The parent pages are complete in English and Arabic: every string they show has a reviewed translation.

The strings are extracted from the parent sources themselves (as makemessages does), so a string added to
a parent template without running makemessages and translating it fails here too.
"""

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

from tests.i18n.po import LOCALE, PARENT_SOURCES, ROOT, read_po

KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def parent_files() -> list[Path]:
    files = []
    for source in PARENT_SOURCES:
        path = ROOT / source
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".html", ".txt", ".py"))
        else:
            files.append(path)
    return files


def extracted_msgids() -> dict[tuple, str]:
    """(msgctxt, msgid) → the file it comes from, for every string of the parent sources."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for path in parent_files():
            text = path.read_text(encoding="utf-8")
            relative = path.relative_to(ROOT)
            if path.suffix != ".py":
                text = templatize(text, origin=str(relative))
            copy = Path(tmp) / (str(relative).replace("/", "__") + ".py")
            copy.write_text(text, encoding="utf-8")
            inputs.append((copy, relative))
        pot = Path(tmp) / "parent.pot"
        subprocess.run(
            ["xgettext", "--language=Python", "--from-code=UTF-8", "-o", str(pot), *KEYWORDS]
            + [str(copy) for copy, _ in inputs],
            check=True,
            capture_output=True,
        )
        names = {copy.name: str(relative) for copy, relative in inputs}
        for entry in read_po(pot):
            origin = next((names[Path(o).name] for o in entry.occurrences if Path(o).name in names), "?")
            found[(entry.msgctxt, entry.msgid)] = origin
    return found


@pytest.fixture(scope="module")
def parent_msgids():
    return extracted_msgids()


def test_the_parent_sources_have_strings(parent_msgids):
    assert len(parent_msgids) > 500
    assert (None, "Mon espace") in parent_msgids


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_string_of_the_parent_pages_is_translated(parent_msgids, language):
    entries = {(e.msgctxt, e.msgid): e for e in read_po(LOCALE / language / "LC_MESSAGES" / "django.po")}
    missing = [
        f"{origin}: {key[1]!r}"
        for key, origin in sorted(parent_msgids.items(), key=lambda item: item[1])
        if key not in entries or not entries[key].translated
    ]
    assert not missing, (
        f"{len(missing)} string(s) without a {language} translation (or fuzzy):\n" + "\n".join(missing[:40])
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in read_po(LOCALE / language / "LC_MESSAGES" / "django.po"):
        if not entry.translated:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)) and (
                sorted(PLACEHOLDER.findall(text)) != expected
            ):
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_po_files_compile_with_msgfmt_check(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
