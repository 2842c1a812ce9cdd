"""Parent journeys driven by the keyboard only, in chromium (issue 19, RGAA 7.3 and 10.7).

No mouse and no `.click()`: the focus moves with Tab and Shift+Tab, links and buttons are pressed with
Enter, checkboxes with Space, radios with the arrows, text is typed. Every element the journey acts
on must show a visible focus ring when it has the focus (checked on the element, its ::before, or the
::before of its label as DSFR draws it for checkboxes and radios). The skip link is the first stop
of every page and leads to <main>; after a failed submit the error summary has the focus.
Each page passes axe-core (`check_page`).
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("patient_browser")]

PASSWORD = "Tartine2026"

# The element that has the focus: does it match the target, and is a focus ring drawn?
FOCUS = """(target) => {
    const element = document.activeElement;
    const ring = style => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const label = element.labels && element.labels.length ? element.labels[0] : null;
    return {
        on_target: element === target,
        ring: ring(getComputedStyle(element)) || ring(getComputedStyle(element, "::before"))
            || Boolean(label && (ring(getComputedStyle(label, "::before")) || ring(getComputedStyle(label)))),
        name: (element.innerText || element.name || element.id || element.tagName).split("\\n")[0].trim(),
    };
}"""


def tab_to(page, locator, *, backwards=False, limit=150):
    """Press Tab (or Shift+Tab) until `locator` has the focus; it must show a focus ring."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUS, target)
        if focused["on_target"]:
            assert focused["ring"], f"pas d'indicateur de focus visible sur « {focused['name']} »"
            return
    raise AssertionError(f"{locator} n'est jamais atteint au clavier")


def press_and_wait(page, key="Enter"):
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


def skip_link_first(page):
    """The first Tab of a page just loaded reaches the skip link « Contenu » / « Content », which
    leads to <main>."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def type_date(page, locator, day):
    """Type a date into a focused date input, as a person would. Its day, month and year boxes follow
    the system's locale, not the page's: the day first (French order), else the month first; the
    boxes are cleared with Backspace between the two tries."""
    for pattern in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(pattern))
        if locator.input_value() == day.isoformat():
            return
        for key in ("Backspace", "Shift+Tab", "Backspace", "Shift+Tab", "Backspace"):
            page.keyboard.press(key)
    raise AssertionError(f"la date {day:%d/%m/%Y} n'a pas pu être tapée : {locator.input_value()!r}")


# The elements of <main> wider than the page at 360 px (what makes a phone scroll sideways).
TOO_WIDE = """() => [...document.querySelectorAll("main *")].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > document.documentElement.clientWidth + 1 || box.left < -1);
}).map(element => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + (element.className && typeof element.className === "string" ? "." + element.className.split(" ").join(".") : ""))"""


def fits_a_phone(page):
    """At 360 px wide the page does not scroll sideways (scrollWidth within clientWidth), and no
    element of <main> sticks out of it; the page is then back at its own width."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        too_wide = page.evaluate(TOO_WIDE)
    finally:
        page.set_viewport_size(size)
    assert widths[0] <= widths[1] and not too_wide, f"déborde à 360 px : {widths}, {too_wide[:5]}"


def error_summary_has_focus(page):
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")


def test_a_parent_signs_up_in_english_with_the_keyboard_only(page, live_server, check_page, cde11):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/cde11/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Create my personal space"))
    press_and_wait(page)

    # Step 1: the terms of use; "Next" without accepting them: the error summary takes the focus.
    check_page(page)
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Next"))
    press_and_wait(page)
    error_summary_has_focus(page)
    check_page(page)
    tab_to(page, page.get_by_label("I accept the terms of use"))
    page.keyboard.press("Space")
    expect(page.get_by_label("I accept the terms of use")).to_be_checked()
    tab_to(page, page.locator("main").get_by_role("button", name="Next"))
    press_and_wait(page)

    # Step 2: identity, address, contact, password, typed field after field.
    check_page(page)
    tab_to(page, page.locator("#id_civility"))
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_civility")).not_to_have_value("")
    for selector, text in [
        ("#id_last_name", "Haddad"),
        ("#id_first_name", "Amal"),
        ("#id_birth_date", datetime.date(1985, 5, 17)),
        ("#id_street_number", "12"),
        ("#id_street_name", "rue de la Roquette"),
        ("#id_postcode", "75011"),
        ("#id_city", "Paris"),
        ("#id_email", "amal@example.fr"),
        ("#id_mobile_phone", "0612345678"),
    ]:
        tab_to(page, page.locator(selector))
        if isinstance(text, datetime.date):
            type_date(page, page.locator(selector), text)
        else:
            page.keyboard.type(text)
    tab_to(page, page.locator("#id_password1"))
    page.keyboard.type("tartine")
    # The live checklist speaks the page's language (its words come from the template).
    status = page.locator("#password-rules [data-status]")
    expect(status).to_have_text("Incomplete")
    expect(page.locator('#password-rules [data-rule="upper"] .fr-sr-only')).to_have_text(": missing")
    page.keyboard.press("Control+A")
    page.keyboard.type(PASSWORD)
    expect(status).to_have_text("Complete")
    tab_to(page, page.locator("#id_password2"))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.locator("main").get_by_role("button", name="Create my personal space"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Activate your space")).to_be_visible()
    check_page(page)


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_a_parent_declares_an_absence_with_the_keyboard_only(page, live_server, check_page, cde11, parent_a):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    from django.utils import timezone

    from refectoire.enrollment.absences import absence_rules_ensure
    from refectoire.enrollment.enums import DayStatus
    from refectoire.enrollment.models import Absence
    from refectoire.enrollment.selectors import day_statuses
    from refectoire.enrollment.services import enrollment_create
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    year = open_school_year(cde11)
    absence_rules_ensure(caisse=cde11)
    school = SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=school, school_year=year, weekdays="12345"
    )
    after = timezone.localdate() + datetime.timedelta(days=7)
    statuses = day_statuses(
        caisse=cde11, household=household, child=child, start=after, end=after + datetime.timedelta(days=90)
    )
    day = min(d for d, status in statuses.items() if status == DayStatus.SERVED)

    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/planning/{enrollment.uuid}/?mois={day:%Y-%m}")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Signaler une absence"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Signaler une absence", level=1)).to_be_visible()

    # "Vérifier" with nothing typed: the error summary has the focus.
    tab_to(page, page.locator("main").get_by_role("button", name="Vérifier"))
    press_and_wait(page)
    error_summary_has_focus(page)
    check_page(page)

    tab_to(page, page.get_by_label("Premier jour d'absence"))
    type_date(page, page.get_by_label("Premier jour d'absence"), day)
    tab_to(page, page.get_by_label("Dernier jour d'absence"))
    type_date(page, page.get_by_label("Dernier jour d'absence"), day)
    # A radio group is one Tab stop; the arrows choose within it.
    reason = page.get_by_label("Convenance personnelle", exact=True)
    tab_to(page, page.locator("main input[type=radio]").first)
    for _ in range(10):
        if reason.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(reason).to_be_checked()
    tab_to(page, page.locator("main").get_by_role("button", name="Vérifier"))
    press_and_wait(page)
    expect(page.get_by_text("Cette absence couvre 1 repas prévu.")).to_be_visible()
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Confirmer l'absence"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Mes absences")).to_be_visible()
    assert Absence.objects.filter(household=household, first_day=day).exists()
    # Back with Shift+Tab: the focus walks the page the other way and stays visible.
    tab_to(page, page.locator("header").get_by_role("link").first, backwards=True)


def test_a_parent_asks_for_an_illness_refund_with_the_keyboard_only(page, live_server, check_page):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    from django.utils import timezone

    from refectoire.requests.models import Request
    from tests.factories import CaisseFactory, UserFactory
    from tests.requests.factories import enroll, household_of, last_school_week, pdf_bytes

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household = household_of(parent, caisse)
    child = household.children.get()
    enroll(child)
    first, last = last_school_week(timezone.localdate())

    login(page, live_server, parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Faire une demande").first)
    press_and_wait(page)
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Remboursement pour maladie"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Remboursement pour maladie")).to_be_visible()

    # Sent empty: the error summary has the focus, and the form with its errors fits a 360 px phone
    # (it used to overflow there: check_page looks at 360 px, `fits_a_phone` names what sticks out).
    tab_to(page, page.locator("main").get_by_role("button", name="Envoyer la demande"))
    press_and_wait(page)
    error_summary_has_focus(page)
    fits_a_phone(page)
    check_page(page)
    # The visa box stands apart from what follows it (its label touched the next question at 360 px).
    gap = page.evaluate(
        """() => {
            const group = document.getElementById("id_visa_by_school-group");
            return group.nextElementSibling.getBoundingClientRect().top - group.getBoundingClientRect().bottom;
        }"""
    )
    assert gap >= 16, gap

    child_select = page.get_by_label("Enfant")
    tab_to(page, child_select)
    for _ in range(3):
        if child_select.input_value() == str(child.uuid):
            break
        page.keyboard.press("ArrowDown")
    expect(child_select).to_have_value(str(child.uuid))
    tab_to(page, page.get_by_label("Premier jour d'absence"))
    type_date(page, page.get_by_label("Premier jour d'absence"), first)
    tab_to(page, page.get_by_label("Dernier jour d'absence"))
    type_date(page, page.get_by_label("Dernier jour d'absence"), last)
    # The file input is reached with Tab and shows its focus; the file is then handed to it, as the
    # system's file dialog (outside the page) would.
    attachment = page.locator("input[name=attachment]")
    tab_to(page, attachment)
    attachment.set_input_files(
        files=[{"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    tab_to(page, page.locator("#id_visa_by_school"))
    page.keyboard.press("Space")
    expect(page.locator("#id_visa_by_school")).to_be_checked()
    tab_to(page, page.locator("main").get_by_role("button", name="Envoyer la demande"))
    press_and_wait(page)
    expect(page.get_by_text("Votre demande a été envoyée à la Caisse.")).to_be_visible()
    check_page(page)
    assert Request.objects.filter(household=household).count() == 1


def choose_with_arrows(page, group_first, wanted, *, limit=10):
    """Tab into a radio group (one Tab stop) or a <select>, then press ArrowDown until `wanted` is chosen."""
    tab_to(page, group_first)
    for _ in range(limit):
        if wanted():
            return
        page.keyboard.press("ArrowDown")
    assert wanted(), "le choix n'a pas pu être fait avec les flèches"


def test_a_parent_declares_the_household_and_a_child_with_the_keyboard_only(page, live_server, check_page):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    from refectoire.households.enums import HouseholdState
    from refectoire.households.models import Household
    from tests.factories import CaisseFactory, UserFactory

    CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")

    login(page, live_server, parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Déclarer mon entourage"))
    press_and_wait(page)
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Déclarer mon entourage"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Titulaire du compte")).to_be_visible()

    # A child, saved empty first: the error summary has the focus and each field says what is missing.
    tab_to(page, page.locator("main").get_by_role("link", name="Ajouter un enfant"))
    press_and_wait(page)
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Enregistrer"))
    press_and_wait(page)
    error_summary_has_focus(page)
    check_page(page)
    tab_to(page, page.locator("#id_first_name"))
    page.keyboard.type("Elie")
    tab_to(page, page.locator("#id_last_name"))
    page.keyboard.type("Lovinfosse")
    tab_to(page, page.locator("#id_birth_date"))
    type_date(page, page.locator("#id_birth_date"), datetime.date(2017, 9, 2))
    girl = page.locator("main input[name=sex][value=f]")
    choose_with_arrows(page, page.locator("main input[name=sex]").first, girl.is_checked)
    tab_to(page, page.locator("main").get_by_role("button", name="Enregistrer"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Titulaire du compte")).to_be_visible()
    expect(page.locator("main strong").get_by_text("Elie LOVINFOSSE")).to_be_visible()

    # The child's first name corrected: the link « Modifier » names the child for a screen reader.
    tab_to(page, page.locator("main").get_by_role("link", name="Modifier Elie LOVINFOSSE"))
    press_and_wait(page)
    check_page(page)
    tab_to(page, page.locator("#id_first_name"))
    expect(page.locator("#id_first_name")).to_have_value("Elie")
    page.keyboard.press("Control+A")
    page.keyboard.type("Élie")
    tab_to(page, page.locator("main").get_by_role("button", name="Enregistrer"))
    press_and_wait(page)
    expect(page.locator("main strong").get_by_text("Élie LOVINFOSSE")).to_be_visible()

    # The household itself: a single parent (a checkbox, Space), then the request is sent.
    single = page.get_by_label("Je suis un parent isolé")
    tab_to(page, single)
    page.keyboard.press("Space")
    expect(single).to_be_checked()
    tab_to(page, page.locator("main").get_by_role("button", name="Enregistrer"))
    press_and_wait(page)
    expect(page.get_by_label("Je suis un parent isolé")).to_be_checked()
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Valider ma demande"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="En attente de validation")).to_be_visible()
    check_page(page)
    household = Household.objects.get()
    assert household.state == HouseholdState.SUBMITTED and household.is_single_parent
    assert [child.first_name for child in household.children.all()] == ["Élie"]


def test_a_parent_enrolls_a_child_with_the_keyboard_only(page, live_server, check_page, cde11, parent_a):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    from refectoire.enrollment.models import Enrollment
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    open_school_year(cde11)
    SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    family(cde11, parent_a)

    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/inscription/")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Inscription scolaire rentrée").first)
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Inscription scolaire rentrée")).to_be_visible()

    # Sent without a school or a day: the error summary has the focus.
    tab_to(page, page.locator("main").get_by_role("button", name="Valider l'inscription"))
    press_and_wait(page)
    error_summary_has_focus(page)
    check_page(page)

    school = page.get_by_label("Le lieu d'inscription de votre enfant")
    choose_with_arrows(
        page, school, lambda: school.locator("option:checked").inner_text() == "École élémentaire Keller"
    )
    for day in ("Lundi", "Mardi", "Jeudi"):
        tab_to(page, page.get_by_role("checkbox", name=day))
        page.keyboard.press("Space")
        expect(page.get_by_role("checkbox", name=day)).to_be_checked()
    expect(page.get_by_label("Non", exact=True)).to_be_checked()  # full custody, as offered
    tab_to(page, page.locator("main").get_by_role("button", name="Valider l'inscription"))
    press_and_wait(page)
    expect(page.get_by_text("est effective")).to_be_visible()
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Planning de l'enfant"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Planning de l'enfant")).to_be_visible()
    assert Enrollment.objects.get().weekdays == "124"


def test_a_parent_asks_for_a_tariff_with_the_keyboard_only(page, live_server, check_page):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    from refectoire.pricing.models import TariffRequest
    from tests.factories import CaisseFactory, UserFactory
    from tests.pricing.factories import household_of, paris_grid, pdf_bytes

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    paris_grid(caisse)
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    household = household_of(parent, caisse, children=2, reference="F11-0001")

    login(page, live_server, parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/tarif/")
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Tarif 2026-2027"))
    press_and_wait(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Demande de tarif dégressif 2026-2027"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Demande de tarif dégressif 2026-2027")).to_be_visible()

    # Sent with nothing chosen: the error summary has the focus.
    tab_to(page, page.locator("main").get_by_role("button", name="Envoyer ma demande"))
    press_and_wait(page)
    error_summary_has_focus(page)
    check_page(page)

    # « Composition du foyer », then « Ressources »: the chosen source opens its own section.
    couple = page.get_by_label("En couple")
    choose_with_arrows(page, page.locator("main input[name=situation]").first, couple.is_checked)
    monthly = page.get_by_label("Ni l'un ni l'autre : mes ressources mensuelles")
    choose_with_arrows(page, page.locator("main input[name=income_source]").first, monthly.is_checked)
    resources = page.get_by_label("Ressources mensuelles nettes imposables du foyer (€)")
    expect(resources).to_be_visible()
    tab_to(page, resources)
    page.keyboard.type("3200")
    tab_to(page, page.locator("main").get_by_role("button", name="Estimer mon tarif"))
    press_and_wait(page)
    expect(page.locator("#tariff-estimate").get_by_text("Tarif estimé : tarif 5")).to_be_visible()
    expect(page.get_by_role("heading", name="Récapitulatif avant envoi")).to_be_visible()
    check_page(page)

    # The proof is handed to the focused file input, as the system's file dialog would; then sent.
    proof = page.get_by_label("Justificatif de ressources (obligatoire)")
    tab_to(page, proof)
    proof.set_input_files(
        files=[{"name": "avis-imposition.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    tab_to(page, page.locator("main").get_by_role("button", name="Envoyer ma demande"))
    press_and_wait(page)
    expect(page.get_by_text("Votre demande de tarif a été transmise")).to_be_visible()
    check_page(page)
    assert TariffRequest.objects.filter(household=household).count() == 1


def test_a_parent_pays_an_invoice_with_the_keyboard_only(page, live_server, check_page):
    # (imports here, as in the other journeys: the models are loaded once the live server's database is)
    import io
    from decimal import Decimal

    from refectoire.demo.payments import seed as seed_payments
    from tests.billing.factories import InvoiceFactory, household_of
    from tests.factories import CaisseFactory, UserFactory

    caisse = CaisseFactory(slug="cde11", name="Caisse des écoles Paris 11e")
    parent = UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")
    seed_payments(stdout=io.StringIO())  # PayFIP replaced by the demo's payment page (eopayment's dummy)
    household = household_of(parent, caisse)
    invoice = InvoiceFactory(
        caisse=caisse, household=household, issued=True, number=40945, total=Decimal("42.00")
    )

    login(page, live_server, parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    skip_link_first(page)
    link = page.locator("main").get_by_role("link", name="Restauration 40945 - Mars / Avril 2027")
    tab_to(page, link.filter(visible=True).first)
    press_and_wait(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Payer la facture"))
    press_and_wait(page)
    expect(page.get_by_role("heading", name="Payer ma facture en ligne")).to_be_visible()
    tab_to(page, page.locator("main").get_by_role("button", name="Payer la facture"))
    press_and_wait(page)

    # The payment page (outside Réfectoire in production), then back to the invoice.
    expect(page.get_by_role("heading", name="Simulateur de paiement (démonstration)")).to_be_visible()
    skip_link_first(page)
    tab_to(page, page.locator("main").get_by_role("button", name="Valider le paiement"))
    press_and_wait(page)
    expect(page.get_by_text("Votre paiement de 42,00 € est enregistré. Merci.")).to_be_visible()
    check_page(page)
    tab_to(page, page.locator("main").get_by_role("link", name="Retour aux factures"))
    press_and_wait(page)
    expect(page.get_by_text("Facture réglée", exact=True).filter(visible=True).first).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("42.00")
