"""A text made when a module is imported is made in the language of the request that imported it:
the first visitor after a restart, an English or Arabic family maybe, would set it for everyone
until the next restart. Module and class constants are therefore lazy (gettext_lazy), translated
when a page shows them."""

import ast
import html
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import refectoire

ROOT = Path(refectoire.__file__).parent
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def eager_translations_at_import(source: str) -> list[int]:
    """The lines of `source` calling gettext (or ngettext, pgettext…, under any name it was
    imported as) outside a function body: at import time."""
    tree = ast.parse(source)
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }
    found = []

    def visit(node, in_function: bool):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for outer in [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)]:
                visit(outer, in_function)
            for statement in node.body:
                visit(statement, True)
            return
        if isinstance(node, ast.Lambda):
            visit(node.body, True)
            return
        if (
            not in_function
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in names
        ):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def test_the_check_finds_a_constant_made_at_import():
    source = (
        "from django.utils.translation import gettext as _, gettext_lazy\n"
        "HINT = _('Bonjour')\n"
        "LAZY = gettext_lazy('Bonjour')\n"
        "class Form:\n"
        "    label = _('Nom')\n"
        "def view(text=_('Défaut')):\n"
        "    return _('Dans la vue')\n"
    )
    assert eager_translations_at_import(source) == [2, 5, 6]


def test_no_module_or_class_constant_is_translated_at_import():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := eager_translations_at_import(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.django_db
def test_a_module_imported_during_an_english_request_still_speaks_french_to_the_next(
    client, curl, cde11, parent_a, household_a
):
    from refectoire.www.portal.requests import views

    with translation.override("en"):
        importlib.reload(views)  # as if the first visitor of the process read English
    client.force_login(parent_a)
    page = html.unescape(client.get(curl(cde11, "portal:request_new")).content.decode())
    assert "Adresse, téléphone, courriel, séparation, ressources." in page
    assert "separation" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # and the next family reads its own
    page = html.unescape(client.get(curl(cde11, "portal:request_new")).content.decode())
    assert "Address, phone, e-mail, separation, income." in page
