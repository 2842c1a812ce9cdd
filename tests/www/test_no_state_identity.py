"""No identity element of the French State (the Marianne, the « République française » bloc-marque,
the motto, the Marianne font) in the pages, the static files collected for serving, or the PDFs.

The DSFR's terms reserve them to State entities; a Caisse des écoles is not one (docs/design.md).
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.core.management import call_command

from refectoire.billing.pdf import invoice_pdf
from refectoire.core.dsfr_assets import VENDORED_FILES, _blocks, dsfr_dist, vendored_text
from refectoire.households.letters import service_key_letters_pdf
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory
from tests.factories import HouseholdFactory
from tests.households.factories import GuardianFactory

pytestmark = pytest.mark.django_db

STATE_IDENTITY = re.compile(
    r"marianne|r[ée]publique(\s|<br\s*/?>|&nbsp;)*fran[çc]aise|libert[ée]\W+[ée]galit[ée]\W+fraternit[ée]"
    r"|\bfr-logo\b",
    re.IGNORECASE,
)
TEXT_SUFFIXES = {".css", ".js", ".svg", ".html", ".txt", ".md", ".json", ".webmanifest", ".map", ".xml"}


def bloc_marque_images() -> list[str]:
    """The images that the DSFR's own .fr-logo rules draw (the Marianne, « République française »)."""
    css = (dsfr_dist() / "dsfr" / "dsfr.min.css").read_text(encoding="utf-8")
    images = []

    def walk(text):
        for prelude, body in _blocks(text):
            if body is None:
                continue
            if prelude.lstrip().startswith("@"):
                walk(body)
            elif "fr-logo" in prelude:
                images.extend(re.findall(r"url\(\"?(data:image[^\")]{200,})", body))

    walk(css)
    assert images, "the DSFR no longer draws its bloc-marque with .fr-logo: update this test"
    return images


def offences(text: str) -> list[str]:
    found = [match.group(0) for match in STATE_IDENTITY.finditer(text)]
    found += [image[:60] + "…" for image in BLOC_MARQUE if image in text]
    return found


BLOC_MARQUE = bloc_marque_images()


def test_the_check_finds_what_the_dsfr_ships():
    original = (dsfr_dist() / "dsfr" / "dsfr.min.css").read_text(encoding="utf-8")
    assert offences(original)
    assert offences('<p class="fr-logo">République<br>Française</p>')
    assert offences("font-family: Marianne, arial")
    assert offences("Liberté Égalité Fraternité")


@pytest.fixture
def pages(client, cde11, parent_a, agent_cde11, manager_cde11):
    """Pages seen by each persona: visitor, parent, agent, manager."""
    visits = [
        (
            None,
            [
                "/",
                "/cde11/",
                "/cde11/compte/login/",
                "/cde11/compte/signup/",
                "/cde11/cgu/",
                "/cde11/nulle-part/",
            ],
        ),
        (parent_a, ["/cde11/mon-espace/"]),
        (agent_cde11, ["/cde11/agent/"]),
        (manager_cde11, ["/cde11/agent/caisse/"]),
    ]
    rendered = {}
    for user, paths in visits:
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            response = client.get(path, follow=True)
            rendered[f"{user or 'visiteur'} {path}"] = response.content.decode()
    return rendered


def test_no_page_wears_the_state_identity(pages):
    for name, content in pages.items():
        assert "fr-header" in content, name  # the pages checked are whole pages
        assert not offences(content), f"{name}: {offences(content)}"


def test_no_collected_static_file_is_or_names_the_state_identity(tmp_path, settings, pages):
    settings.STATIC_ROOT = str(tmp_path)
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = {
        path.relative_to(tmp_path).as_posix(): path for path in tmp_path.rglob("*") if path.is_file()
    }
    assert "dsfr/dist/dsfr/dsfr.min.css" in collected
    for name, path in collected.items():
        assert "marianne" not in name.lower(), name
        if path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not offences(text), f"{name}: {offences(text)[:3]}"
    assert not [name for name in collected if name.startswith(("dsfr/dist/fonts", "dsfr/dist/favicon"))]
    # Every static file a page refers to is one of those checked here.
    for page, content in pages.items():
        for referenced in re.findall(r'(?:href|src)="' + settings.STATIC_URL + r'([^"?#]+)', content):
            assert referenced in collected, f"{page} refers to {referenced}, which is not collected"


def pdf_fonts_and_text(content: bytes) -> tuple[set[str], str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdfs_carry_no_state_identity(cde11):
    household = HouseholdFactory(caisse=cde11, service_key="AB12-CD34")
    GuardianFactory(household=household)
    invoice = InvoiceFactory(
        caisse=cde11,
        household=household,
        period=BillingPeriodFactory(caisse=cde11),
        issued=True,
        total=Decimal(7),
    )
    letters, count = service_key_letters_pdf(caisse=cde11)
    assert count == 1
    for content in (invoice_pdf(invoice), letters):
        fonts, text = pdf_fonts_and_text(content)
        assert fonts and not [font for font in fonts if "marianne" in font.lower()], fonts
        assert cde11.name in text
        assert not offences(text)


@pytest.mark.parametrize("relative", VENDORED_FILES)
def test_the_vendored_dsfr_files_are_the_installed_package_without_the_state_identity(relative):
    committed = Path(settings.BASE_DIR) / "refectoire" / "static" / "dsfr" / "dist" / relative
    assert committed.read_text(encoding="utf-8") == vendored_text(relative), (
        f"{relative} differs from django-dsfr's: run `manage.py vendor_dsfr` and commit the result"
    )
