"""RGAA: the accessibility statement of each Caisse, linked from every footer; landmarks, skip links and the
headings outline of the main parent pages (a screen reader's way through a page)."""

from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.households.factories import household_for

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """The landmarks, headings and skip links of a page."""

    def __init__(self):
        super().__init__()
        self.landmarks, self.headings, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("header", "main", "footer", "nav") or attrs.get("role") in (
            "banner",
            "main",
            "contentinfo",
        ):
            self.landmarks.append(attrs.get("role") or tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"])


def outline_of(response) -> Outline:
    assert response.status_code == 200
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


PARENT_PAGES = [
    "public:welcome",
    "public:accessibility",
    "public:news_list",
    "public:tariff_simulator",
    "account_login",
    "portal:dashboard",
    "portal:household",
    "portal:enrollment_list",
    "portal:invoice_list",
]


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("viewname", PARENT_PAGES)
def test_each_parent_page_has_landmarks_a_skip_link_and_a_headings_outline(
    client, cde11, parent_a, curl, viewname, language
):
    household_for(parent_a, cde11)
    if viewname.startswith("portal:"):
        client.force_login(parent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    outline = outline_of(client.get(curl(cde11, viewname)))
    for landmark in ("banner", "main", "contentinfo"):
        assert outline.landmarks.count(landmark) == 1, (viewname, outline.landmarks)
    assert "#content" in outline.links and "#footer" in outline.links
    assert outline.headings.count(1) == 1, (viewname, outline.headings)
    assert outline.headings[0] == 1 or 1 in outline.headings
    jumps = [(a, b) for a, b in zip(outline.headings, outline.headings[1:], strict=False) if b > a + 1]
    assert not jumps, f"{viewname}: a heading level is skipped {outline.headings}"


def test_the_footer_links_to_the_accessibility_statement_with_its_status(client, cde11, curl):
    page = client.get(curl(cde11, "public:welcome")).content.decode()
    assert f'href="{curl(cde11, "public:accessibility")}">Accessibilité : partiellement conforme</a>' in page


def test_the_statement_names_the_status_the_audit_the_contact_and_the_recourse(client, cde11, curl):
    page = client.get(curl(cde11, "public:accessibility")).content.decode()
    for words in (
        "Déclaration d'accessibilité",
        "partiellement conforme",
        "Pages vérifiées",
        "axe-core",
        "lecteur d'écran",
        "Contenus non accessibles",
        "mailto:dossier@cdeparis11.fr",
        "Défenseur des droits",
        "Schéma pluriannuel",
    ):
        assert words in page, words


def test_the_statement_is_the_caisses_own(client, cde11, cde19, curl):
    page = client.get(curl(cde19, "public:accessibility")).content.decode()
    assert "contact@cde19.fr" in page and "dossier@cdeparis11.fr" not in page


def test_the_statement_in_arabic(client, cde11, curl):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(curl(cde11, "public:accessibility")).content.decode()
    assert "بيان إمكانية الوصول" in page and 'dir="rtl"' in page


def test_after_a_failed_submit_the_error_summary_can_take_the_focus(client, cde11, curl):
    client.post(curl(cde11, "signup_cgu"), {"accept": "on"})
    page = client.post(curl(cde11, "account_signup"), {"email": ""}).content.decode()
    assert 'role="alert" tabindex="-1" data-error-summary' in page
    assert "js/error-summary.js" in page
