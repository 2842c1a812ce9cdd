"""Every screen each persona of the demo can reach, crawled in chromium.

The demo data is loaded (`seed_demo`), each persona logs in through the real login form, then the
links of its pages are followed breadth-first (GET only, same site, same Caisse). On every page:
status 200, axe-core without a serious or critical violation, no horizontal scroll at 360 px (the
`check_page` helper), one `<main>` landmark, one `<h1>`, the landmarks and headings outline of
tests/www/test_outline.py (skip links first, banner, nav, main, contentinfo, no skipped heading
level), and a `<title>` that no other screen of
the persona shares, as plain text; no internal code (an enum's stored value) and no ISO date in the
visible text (tests/browser/visible_text.py). Parents, school staff and visitors are crawled on a 360 px phone (axe runs
there), agents on a desktop screen. Every problem of every persona is gathered and reported at once.

`CRAWL_VERBOSE=1` prints each page as it is visited, with the time spent.
"""

import io
import os
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.visible_text import text_problems, title_problems
from tests.www.test_outline import outline_problems

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Cantine2026"  # refectoire.demo.people.DEMO_PASSWORD, typed as a person would
PAGES_PER_PERSONA = 80
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
VERBOSE = bool(os.environ.get("CRAWL_VERBOSE"))


@dataclass(frozen=True)
class Persona:
    name: str
    slug: str | None  # None: an anonymous visitor
    username: str | None
    first_pages: tuple = ()  # besides the page the login lands on
    viewport: dict = field(default_factory=lambda: PHONE_VIEWPORT)
    pages_per_route: int = 2  # a family's two children, two invoices; not thirty households


PERSONAS = [
    Persona("visiteur", None, None, ("/", "/cde11/", "/cde19/")),
    Persona("parent cde11", "cde11", "G4V-RNG6P"),
    Persona("parent cde19", "cde19", "P19-INESM"),
    Persona("parent cde11, foyer à corriger", "cde11", "P11-CLAIR"),  # edits her household again
    Persona("agent cde11", "cde11", "A11-AGENT", ("agent/",), DESKTOP_VIEWPORT, pages_per_route=1),
    # the rhythm changes first: their one link, Léo Moreau's enrollment (a rhythm change waiting for
    # a decision, the custody calendar's weeks), is then the enrollment screen crawled
    Persona(
        "gestionnaire cde19",
        "cde19",
        "G19-GESTN",
        ("agent/", "agent/changements-de-rythme/"),
        DESKTOP_VIEWPORT,
        pages_per_route=1,
    ),
    # the school staff who eat at the canteen, from refectoire/adultmeals/demo.py
    Persona("enseignante cde11", "cde11", "E11-PROFS"),
    Persona("ATSEM cde19", "cde19", "E19-ATSEM"),
    # the canteen staff of the school of the child with the demo PAI (refectoire/demo/staff.py)
    Persona("personnel de cantine cde11", "cde11", "S11-CANTN"),
]

# Never followed: they end the session, are files rather than pages, leave the site, or act on a GET.
SKIPPED = [
    re.compile(pattern)
    for pattern in [
        r"/compte/logout/",
        r"/compte/oidc/",
        r"/compte/(3rdparty|social)/",
        r"/compte/2fa/recovery-codes/download/",
        r"\.(pdf|csv|ics|zip|xml)$",
        r"/pdf/$",
        r"/export/",
        r"/(documents|justificatifs|pieces|photos)/[0-9a-f-]{36}/$",  # private files
        r"/calendrier-de-garde/$",  # the custody calendar, a private file
        r"/paiement/",  # the bank's return and notification, the demo bank
        r"/payer/$",  # starts a PayFIP transaction
        r"/progression/$",  # an htmx fragment of the billing run
        r"^/admin/",
        r"^/dev/outbox/",
        r"/api/v1/",  # the partners' API: JSON, and its Swagger page for developers (test_api_docs.py)
    ]
]

# Screens whose look does not depend on who is logged in: checked once in the whole crawl.
SHARED_ROUTES = re.compile(r"^[a-z0-9-]+:(public:|account_|signup_cgu$|portal:faq$)")

# One screen under several addresses, on purpose: the same <title> is right.
SAME_SCREEN = [
    {"portal:tariff_simulator", "public:tariff_simulator"},
    # "Votre foyer n'est pas encore déclaré", for a user of the Caisse without a household
    {
        "portal:conversation_create",
        "portal:conversation_list",
        "portal:document_list",
        "portal:privacy",
        "portal:request_list",
        "portal:request_new",
    },
    # allauth's "Confirmer l'accès", by password or by a code sent by e-mail
    {"account_reauthenticate", "account_request_reauthentication_code"},
]

# Known bugs whose check is waived (only the check named), each with a comment; none today.
KNOWN_CLIPPED: set[str] = set()
KNOWN_SAME_TITLES: list[set[str]] = []


def skipped(path: str, query: str) -> bool:
    if any(pattern.search(path) for pattern in SKIPPED):
        return True
    params = parse_qs(query)
    if "format" in params or "export" in params:  # ?format=csv and the like: a file
        return True
    pages = params.get("page", ["1"])
    return not pages[0].isdigit() or int(pages[0]) > 2


def route(path: str) -> str:
    """The view behind a path, as `cde11:portal:dashboard` (a Caisse's pages below their slug)."""
    match = re.match(r"^/([a-z0-9-]+)(/.*)$", path)
    try:
        if match and match.group(1) not in {"admin", "dev", "health", "static"}:
            return f"{match.group(1)}:{resolve(match.group(2), urlconf=settings.CAISSE_URLCONF).view_name}"
        return resolve(path).view_name
    except Resolver404:
        return path


def log_in(page, base, slug, username):
    page.goto(f"{base}/{slug}/compte/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    # Parents land on « Mon espace », agents and managers on the back office (issue 12, item 6).
    expect(page).not_to_have_url(re.compile(r"/compte/login/"))
    expect(page.locator("main h1")).to_be_visible()


STRUCTURE = """() => ({
    mains: document.querySelectorAll("main, [role=main]").length,
    headings: [...document.querySelectorAll("h1")].map(h1 => h1.innerText.trim()),
    title: document.title.trim(),
    links: [...document.querySelectorAll("a[href]")].map(link => link.href),
    // a link or button of the page whose words are cut off (DSFR makes an icon-only button of
    // a button with an icon in a small group, unless the group says where the icon goes)
    clipped: [...document.querySelectorAll("main a, main button")].filter(element =>
        element.offsetParent !== null && !element.title && getComputedStyle(element).overflow === "hidden"
        && element.scrollWidth > element.clientWidth + 1
    ).map(element => element.innerText.trim()),
})"""


def inspect(page, response, check_page):
    """(problems, title, links) of the page just loaded."""
    if response is None or response.status != 200:
        return [f"statut {response.status if response else 'aucune réponse'}"], "", []
    if "text/html" not in (response.headers.get("content-type") or ""):
        return [f"pas une page : {response.headers.get('content-type')}"], "", []
    problems = []
    found = page.evaluate(STRUCTURE)
    if found["mains"] != 1:
        problems.append(f"{found['mains']} repères <main>")
    if len(found["headings"]) != 1:
        problems.append(f"{len(found['headings'])} titres <h1> : {found['headings']}")
    if found["clipped"]:
        problems.append(f"texte coupé : {found['clipped']}")
    # What a screen reader navigates by (the check of tests/www/test_outline.py, on the page as
    # chromium built it): the skip links first, the landmarks, one <h1> in main, no skipped level.
    problems += [f"plan de la page : {problem}" for problem in outline_problems(page.content())]
    if not found["title"]:
        problems.append("pas de <title>")
    problems += label_problems(page, found["title"])
    try:
        check_page(page)
    except AssertionError as error:
        problems.append(str(error).split("\n")[0].removeprefix(page.url + ": "))
    problems += amount_problems(page.locator("body").inner_text())
    return problems, found["title"], found["links"]


def label_problems(page, title):
    """Internal codes and ISO dates in the visible text, HTML in the <title> (issue 12, items 8, 9)."""
    return title_problems(title) + text_problems(page.evaluate("document.body.innerText"))


# An amount as written on a page: digits (grouped by any space), maybe decimals, then €.
AMOUNT = re.compile(r"(?<![\d,.])(\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?)(\s?)€")
# As a French reader expects it, from the one money formatter: « 2 035,30 € », non-breaking spaces.
FRENCH_AMOUNT = re.compile(r"\d{1,3}(?:\u00a0\d{3})*,\d{2}")


def amount_problems(text: str) -> list[str]:
    """Each amount of the text not written « 2 035,30 € » (float noise, one decimal, a dot...)."""
    wrong = []
    for match in AMOUNT.finditer(text):
        number, space = match.groups()
        if not FRENCH_AMOUNT.fullmatch(number) or space != "\u00a0":
            wrong.append(f"« {match.group(0).strip()} »")
    return [f"montant mal écrit : {', '.join(dict.fromkeys(wrong))}"] if wrong else []


def links_to_follow(hrefs, base, slug):
    for href in hrefs:
        parts = urlsplit(urldefrag(href)[0])
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue  # another site
        if slug and not parts.path.startswith(f"/{slug}/"):
            continue  # another Caisse, or the list of Caisses
        if not skipped(parts.path, parts.query):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


class Crawl:
    def __init__(self, base, check_page):
        self.base = base
        self.check_page = check_page
        self.shared = Counter()  # SHARED_ROUTES checked so far, by any persona
        self.problems = []
        self.report = []
        self.started = time.monotonic()

    def persona(self, context, persona):
        """Breadth-first over the links a persona sees, from where the login lands."""
        name, slug = persona.name, persona.slug
        began = time.monotonic()
        page = context.new_page()
        page.set_default_timeout(30_000)
        if slug:
            log_in(page, self.base, slug, persona.username)
            start = [urlsplit(page.url).path] + [f"/{slug}/{path}" for path in persona.first_pages]
        else:
            start = list(persona.first_pages)
        queue, seen = deque(start), set(start)
        per_route = Counter()
        titles = {}  # final path -> (route, title)
        visited = 0
        while queue and visited < PAGES_PER_PERSONA:
            url = queue.popleft()
            path, _, _query = url.partition("?")
            name_of_route = route(path)
            counter = self.shared if SHARED_ROUTES.match(name_of_route) else per_route
            if counter[name_of_route] >= (2 if counter is self.shared else persona.pages_per_route):
                continue
            counter[name_of_route] += 1
            visited += 1
            if VERBOSE:
                print(f"{time.monotonic() - self.started:6.1f} {name} {url}", flush=True)
            try:
                response = page.goto(self.base + url)
            except PlaywrightError as error:  # a download, a page that never loads
                self.problems.append(f"{name} {url} : {error.message.splitlines()[0]}")
                continue
            problems, title, hrefs = inspect(page, response, self.check_page)
            if name_of_route.split(":", 1)[-1] in KNOWN_CLIPPED:
                problems = [problem for problem in problems if not problem.startswith("texte coupé")]
            self.problems += [f"{name} {url} : {problem}" for problem in problems]
            final = urlsplit(page.url).path
            if slug and final.endswith("/compte/login/") and not path.endswith("/compte/login/"):
                self.problems.append(f"{name} {url} : renvoie à la page de connexion")
            seen.add(final)
            if title:
                titles[final] = (route(final), title)
            for link in links_to_follow(hrefs, self.base, slug):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        page.close()
        self.same_titles(name, titles)
        self.report.append(f"{name} : {visited} pages en {time.monotonic() - began:.0f} s")

    def same_titles(self, name, titles):
        """Two screens with one <title> cannot be told apart in a tab, history or a screen reader."""
        by_title = {}
        for name_of_route, title in titles.values():
            by_title.setdefault(title, set()).add(name_of_route.split(":", 1)[-1])
        for title, routes in by_title.items():
            if len(routes) < 2 or any(routes <= group for group in SAME_SCREEN + KNOWN_SAME_TITLES):
                continue
            self.problems.append(f"{name} : même <title> « {title} » pour {sorted(routes)}")


def test_every_page_of_every_persona_works_is_accessible_and_fits_a_phone(
    browser, browser_context_args, live_server, check_page
):
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    crawl = Crawl(live_server.url, check_page)
    for persona in PERSONAS:
        context = browser.new_context(**browser_context_args, viewport=persona.viewport)
        try:
            crawl.persona(context, persona)
        finally:
            context.close()
    print(f"\ncrawl en {time.monotonic() - started:.0f} s ; " + " ; ".join(crawl.report))
    assert not crawl.problems, "\n".join(crawl.problems)


# The keyboard: the focused element, its name, and whether a focus ring is drawn (on the element,
# or on its ::before for DSFR's tiles and cards, whose link covers the whole block).
FOCUSED = """() => {
    const element = document.activeElement;
    const ring = style => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
    return {
        name: (label || element.innerText || "").split("\\n")[0].replace(/[\\s*]+$/, "").trim(),
        id: element.id,
        ring: ring(getComputedStyle(element)) || ring(getComputedStyle(element, "::before")),
        in_main: Boolean(element.closest("main")),
    };
}"""


@pytest.fixture
def new_page(browser, browser_context_args):
    """A page in a context of its own, at a viewport's size, closed at the end of the test."""
    contexts = []

    def make(viewport):
        contexts.append(browser.new_context(**browser_context_args, viewport=viewport))
        page = contexts[-1].new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in contexts:
        context.close()


def tab_through_main(page):
    """From the skip link to the end of <main>: the names of the elements the focus stops on."""
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert (skip["name"], skip["ring"]) == ("Contenu", True), skip
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "content"  # the skip link lands on <main>
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["in_main"]:
            break
        assert focused["ring"], f"aucun contour de focus sur « {focused['name']} »"
        stops.append(focused["name"])
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0
    return stops


def in_order(expected, stops):
    """`expected` appear in `stops`, in this order (other stops may come between)."""
    positions = [stops.index(name) for name in expected if name in stops]
    return len(positions) == len(expected) and positions == sorted(positions)


def test_the_parent_dashboard_is_usable_with_the_keyboard(new_page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    page = new_page(DESKTOP_VIEWPORT)
    log_in(page, live_server.url, "cde11", "G4V-RNG6P")

    stops = tab_through_main(page)

    actions = ["Profil", "Identifiants", "Ma famille", "Contacter la Caisse des écoles Paris 11e"]
    tiles = ["Inscription", "Tarif 2026-2027", "Factures", "Mes demandes", "Messages", "Mes documents"]
    assert in_order(actions + tiles, stops), stops


def test_a_parent_writes_to_the_caisse_with_the_keyboard_only(new_page, live_server):
    from refectoire.messaging.models import Conversation

    call_command("seed_demo", stdout=io.StringIO())
    page = new_page(PHONE_VIEWPORT)
    log_in(page, live_server.url, "cde11", "G4V-RNG6P")
    page.goto(f"{live_server.url}/cde11/mon-espace/messages/nouveau/")

    stops = tab_through_main(page)
    assert in_order(["Objet", "Message", "Pièce jointe", "Envoyer"], stops), stops

    # Back to the top of the form, then fill it in and send it without the mouse.
    page.locator("main").focus()
    page.keyboard.press("Tab")  # the link to the questions fréquentes
    page.keyboard.press("Tab")
    expect(page.get_by_label("Objet")).to_be_focused()
    page.keyboard.type("Menus de la semaine")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Message")).to_be_focused()
    page.keyboard.type("Où trouver les menus de la cantine ?")
    # Past the attachment and the documents already sent that may be joined again (the demo has one).
    for _ in range(stops.index("Envoyer") - stops.index("Message")):
        page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("button", name="Envoyer")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Menus de la semaine")).to_be_visible()
    conversation = Conversation.objects.get(subject="Menus de la semaine")
    assert conversation.household.caisse.slug == "cde11"
    assert "Où trouver les menus" in conversation.messages.get().body


def test_a_table_too_wide_for_the_phone_scrolls_from_the_keyboard(new_page, live_server, check_page):
    call_command("seed_demo", stdout=io.StringIO())
    page = new_page(PHONE_VIEWPORT)
    page.goto(f"{live_server.url}/cde11/simulation-des-tarifs/")
    region = page.get_by_role("region", name=re.compile("Grille des tarifs"))
    expect(region).to_have_attribute("tabindex", "0")
    check_page(page)

    page.keyboard.press("Tab")  # the skip link, then the table by Tab alone
    for _ in range(40):
        if page.evaluate("document.activeElement.getAttribute('role')") == "region":
            break
        page.keyboard.press("Tab")
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # scrolls, smoothly

    page.set_viewport_size(DESKTOP_VIEWPORT)  # wide enough: a table again, out of the Tab order
    expect(page.get_by_role("region", name=re.compile("Grille des tarifs"))).to_have_count(0)
    expect(page.locator("#tariff-grid .fr-table__container")).not_to_have_attribute("tabindex", "0")
