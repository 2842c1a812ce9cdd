"""What a screen reader navigates by, on every parent page: landmarks and the headings outline (issue 19).

The public pages and the pages a logged-in parent reaches from « Mon espace » are crawled (links
followed breadth-first, GET only, same Caisse) in French and in Arabic, and each one must have:
the skip links first (to `#content` and `#footer`), one `<header role="banner">`, at least one
`<nav>`, one `<main id="content">`, one `<footer role="contentinfo">`, exactly one `<h1>` (inside
main), and no skipped heading level (an h2 followed by an h4 hides a level from the outline).
Every problem of every page is gathered and reported at once. The browser crawl
(tests/browser/test_crawl.py) checks the same outline in chromium over the demo's personas.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
MAX_PAGES = 60
NOT_FOLLOWED = (
    "/compte/logout/",
    "/langue/",
    "/pdf/",
    ".pdf",
    ".csv",
    ".ics",
    "/compte/oidc/",
    "/telecharger",
)


class Outline(HTMLParser):
    """The landmarks, headings, skip links and links of a page."""

    def __init__(self):
        super().__init__()
        self.landmarks: list[tuple[str, str]] = []  # (tag, role)
        self.headings: list[tuple[int, bool]] = []  # (level, inside main)
        self.links: list[str] = []
        self.first_links: list[str] = []  # the first two links of the page: the skip links
        self.main_ids: list[str] = []
        self._main_depth = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"header", "nav", "main", "footer"} or attrs.get("role") in {
            "banner",
            "navigation",
            "main",
            "contentinfo",
        }:
            self.landmarks.append((tag, attrs.get("role") or ""))
        if tag == "main":
            self.main_ids.append(attrs.get("id") or "")
        if tag in {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }:
            return
        self._stack.append(tag)
        if tag == "main":
            self._main_depth += 1
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append((int(tag[1]), self._main_depth > 0))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if len(self.first_links) < 2:
                self.first_links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in self._stack:
            while self._stack:
                closed = self._stack.pop()
                if closed == "main":
                    self._main_depth -= 1
                if closed == tag:
                    break


def outline_problems(text: str) -> list[str]:
    outline = Outline()
    outline.feed(text)
    problems = []
    if outline.first_links != ["#content", "#footer"]:
        problems.append(f"liens d'évitement absents ou pas en premier : {outline.first_links}")
    tags = [tag for tag, _role in outline.landmarks]
    roles = [role for _tag, role in outline.landmarks]
    if tags.count("header") != 1 or "banner" not in roles:
        problems.append("pas un seul en-tête <header role=banner>")
    if "nav" not in tags:
        problems.append("aucun <nav>")
    if outline.main_ids != ["content"]:
        problems.append(f"repères <main> : {outline.main_ids} (un seul, id=content)")
    if "contentinfo" not in roles or tags.count("footer") < 1:
        problems.append("pas de pied de page <footer role=contentinfo>")
    levels = [level for level, _in_main in outline.headings]
    h1 = [in_main for level, in_main in outline.headings if level == 1]
    if h1 != [True]:
        problems.append(f"{len(h1)} titre(s) <h1> (un seul, dans main)")
    previous = 0
    for level in levels:
        if level > previous + 1 and previous:
            problems.append(f"niveau de titre sauté : h{previous} puis h{level} ({levels})")
            break
        previous = level
    return problems


def crawl(client, start: list[str], slug: str) -> dict[str, list[str]]:
    seen, queue, problems = set(start), deque(start), {}
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        found = outline_problems(text)
        if found:
            problems[path] = found
        outline = Outline()
        outline.feed(text)
        for href in outline.links:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith(f"/{slug}/"):
                continue
            if "/agent/" in parts.path or any(part in parts.path for part in NOT_FOLLOWED):
                continue
            if parts.path not in seen:
                seen.add(parts.path)
                queue.append(parts.path)
    assert len(seen) > 5, seen  # the crawl really went somewhere
    return problems


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_public_page_has_its_landmarks_and_a_sound_outline(client, cde11, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert crawl(client, ["/cde11/"], "cde11") == {}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_of_a_parents_space_has_its_landmarks_and_a_sound_outline(
    client, cde11, parent_a, household_a, language
):
    parent_a.language = language
    parent_a.save(update_fields=["language"])
    client.force_login(parent_a)
    assert crawl(client, ["/cde11/mon-espace/"], "cde11") == {}


def test_the_outline_check_finds_what_it_is_meant_to_find():
    good = (
        '<a href="#content">c</a><a href="#footer">f</a><header role="banner"><nav></nav></header>'
        '<main id="content"><h1>T</h1><h2>a</h2><h3>b</h3><h2>c</h2></main><footer role="contentinfo"></footer>'
    )
    assert outline_problems(good) == []
    skipped = good.replace("<h3>b</h3>", "<h4>b</h4>")
    assert any("niveau de titre sauté" in p for p in outline_problems(skipped))
    two_h1 = good.replace("<h2>c</h2>", "<h1>c</h1>")
    assert any("titre(s) <h1>" in p for p in outline_problems(two_h1))
    no_skip = good.replace('<a href="#content">c</a>', "")
    assert any("évitement" in p for p in outline_problems(no_skip))
    no_footer = good.replace('<footer role="contentinfo"></footer>', "")
    assert any("pied de page" in p for p in outline_problems(no_footer))
