"""« Mon espace » as a parent on a phone: « À faire » first (each kind appears, and leaves once
done), the invoices as cards at 360 px, the planning's past days; and the agents' queues."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def enrolled_family(caisse, parent):
    """A validated household of `parent`, its child Elie enrolled every day of a year around today,
    in a Caisse whose next school year has its tariff grid and its enrollment campaign open."""
    from refectoire.enrollment.services import enrollment_create
    from refectoire.pricing import grids
    from refectoire.pricing.grids import PARIS_ADULT_MEAL_PRICE, PARIS_BRACKETS, PARIS_EXCEPTIONAL_MEAL_PRICE
    from refectoire.schools.models import SchoolYear
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    today = timezone.localdate()
    year = open_school_year(caisse)
    school = SchoolFactory(caisse=caisse, code="0751234A", name="École élémentaire Keller")
    household, (child,) = family(caisse, parent)
    child.first_name = "Elie"
    child.save()
    enrollment = enrollment_create(
        household=household, child=child, school=school, school_year=year, weekdays="12345"
    )
    next_year = SchoolYear.objects.create(
        caisse=caisse,
        label=f"{today.year + 1}-{today.year + 2}",
        first_day=year.last_day + datetime.timedelta(days=60),
        last_day=year.last_day + datetime.timedelta(days=400),
        enrollment_opens_on=today - datetime.timedelta(days=1),
        enrollment_closes_on=today + datetime.timedelta(days=30),
    )
    for grid_year in (year, next_year):
        grids.tariff_grid_create(
            caisse=caisse,
            school_year=grid_year,
            brackets=PARIS_BRACKETS,
            adult_meal_price=PARIS_ADULT_MEAL_PRICE,
            exceptional_meal_price=PARIS_EXCEPTIONAL_MEAL_PRICE,
        )
    return household, child, school, enrollment, next_year


def todo_kinds(page) -> list[str]:
    return page.locator("[data-todo]").evaluate_all("items => items.map(item => item.dataset.todo)")


def test_a_parent_sees_what_to_do_first_and_each_item_leaves_once_done(
    page, live_server, check_page, patient_browser, cde11, parent_a
):
    from refectoire.enrollment.enums import AbsenceState
    from refectoire.enrollment.models import Absence, AbsenceReason
    from refectoire.enrollment.services import enrollment_create
    from refectoire.pricing.enums import IncomeSource, TariffRequestState
    from refectoire.pricing.models import TariffRequest
    from refectoire.requests.enums import RequestKind, RequestState
    from refectoire.requests.models import Request
    from refectoire.stays.enums import ChoiceState
    from refectoire.stays.models import StayApplication, StayChoice
    from tests.billing.factories import InvoiceFactory
    from tests.stays.factories import HolidayStayFactory

    household, child, school, _enrollment, next_year = enrolled_family(cde11, parent_a)
    today = timezone.localdate()
    invoice = InvoiceFactory(
        caisse=cde11, household=household, issued=True, total=Decimal("42.50"), with_line=False
    )
    request = Request.objects.create(
        caisse=cde11, household=household, kind=RequestKind.CORRECTION, state=RequestState.INCOMPLETE
    )
    application = StayApplication.objects.create(caisse=cde11, household=household, child=child)
    choice = StayChoice.objects.create(
        application=application,
        child=child,
        stay=HolidayStayFactory(caisse=cde11, title="Mer et voile"),
        rank=1,
        state=ChoiceState.ALLOCATED,
        confirm_by=timezone.now() + datetime.timedelta(days=3),
    )
    illness = AbsenceReason.objects.create(caisse=cde11, label="Maladie", is_illness=True)
    absence = Absence.objects.create(
        household=household, child=child, first_day=today, last_day=today, reason=illness, notice_kept=False
    )

    page.set_viewport_size(PHONE)
    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    expect(page.get_by_role("heading", name="À faire", level=2)).to_be_visible()
    assert sorted(todo_kinds(page)) == sorted(
        ["invoice", "stay", "enrollment", "tariff", "absence", "request"]
    )
    item = page.locator('[data-todo="invoice"]')
    expect(item).to_contain_text(f"Facture n° {invoice.number}")
    expect(item).to_contain_text("42,50\xa0€ à régler avant le")
    expect(page.locator('[data-todo="stay"]')).to_contain_text("Place à confirmer : Elie, Mer et voile")
    check_page(page)
    # « À faire » comes before the services; each item has its one button.
    assert (
        page.locator("#a-faire").bounding_box()["y"]
        < page.get_by_role("heading", name="Mes services").bounding_box()["y"]
    )
    follow(item.get_by_role("link", name="Payer"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(invoice.number))

    # Done, one by one: each leaves « À faire ».
    invoice.amount_paid = invoice.total
    invoice.save()
    request.state = RequestState.SUBMITTED
    request.save()
    choice.state = ChoiceState.CONFIRMED
    choice.save()
    enrollment_create(
        household=household, child=child, school=school, school_year=next_year, weekdays="12345"
    )
    TariffRequest.objects.create(
        caisse=cde11,
        household=household,
        school_year=next_year,
        state=TariffRequestState.SENT,
        income_source=IncomeSource.CAF_ATTESTATION,
        sent_at=timezone.now(),
    )
    absence.state = AbsenceState.ACCEPTED
    absence.save()
    page.goto(f"{live_server.url}/cde11/mon-espace/")
    expect(page.get_by_text("Rien à faire pour le moment : tout est à jour.")).to_be_visible()
    assert todo_kinds(page) == []
    expect(page.locator(".refectoire-child")).to_contain_text("Elie")
    check_page(page)


def test_invoices_are_cards_on_a_phone_and_a_table_on_a_wide_screen(
    page, live_server, check_page, patient_browser, cde11, parent_a
):
    from tests.billing.factories import InvoiceFactory, another_period, household_of

    household = household_of(parent_a, cde11)
    first = InvoiceFactory(caisse=cde11, household=household, issued=True, total=Decimal("35.00"))
    InvoiceFactory(caisse=cde11, household=household, issued=True, period=another_period(cde11))

    page.set_viewport_size(PHONE)
    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/factures/")
    cards = page.locator(".refectoire-card")
    expect(cards).to_have_count(2)
    expect(page.locator(".refectoire-invoice-table")).to_be_hidden()
    card = page.locator(f'[data-invoice="{first.uuid}"]')
    expect(card).to_contain_text(f"Facture n° {first.number}")
    expect(card).to_contain_text("35,00\xa0€")
    expect(card.get_by_role("link", name=f"Payer — Facture n° {first.number}")).to_be_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    check_page(page)

    page.set_viewport_size(DESKTOP)
    expect(page.locator(".refectoire-invoice-table")).to_be_visible()
    expect(page.locator(".refectoire-invoice-cards")).to_be_hidden()


def test_the_planning_says_what_happened_on_past_days_and_marks_today(
    page, live_server, check_page, patient_browser, cde11, parent_a
):
    from refectoire.enrollment.enums import DayStatus
    from refectoire.enrollment.selectors import day_statuses

    household, child, _school, enrollment, _next_year = enrolled_family(cde11, parent_a)
    today = timezone.localdate()
    statuses = day_statuses(
        caisse=cde11, household=household, child=child, start=today - datetime.timedelta(days=35), end=today
    )
    past = max(day for day, status in statuses.items() if status == DayStatus.SERVED and day < today)

    page.set_viewport_size(PHONE)
    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/planning/{enrollment.uuid}/?mois={past:%Y-%m}")
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]  # fmt: skip
    expect(page.locator("#planning-month")).to_have_text(f"{months[past.month - 1]} {past.year}".capitalize())
    cell = page.locator("td.refectoire-day", has=page.locator(f"strong:text-is('{past.day}')"))
    expect(cell.first).to_contain_text("Repas pris")
    if past.month == today.month:
        expect(page.locator('td[aria-current="date"]')).to_contain_text("aujourd'hui")
    previous = page.locator("a[rel=prev]")
    if previous.count():
        before = past.replace(day=1) - datetime.timedelta(days=1)
        expect(previous).to_contain_text(f"{months[before.month - 1]} {before.year}")
    # No word cut inside: every label's words fit their cell at 360 px.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('td.refectoire-day .fr-text--xs')]
             .some(label => label.scrollWidth > label.clientWidth + 1)"""
    )
    assert not cut
    check_page(page)


def test_the_agents_home_shows_the_queues_with_count_and_oldest_date(
    page, live_server, check_page, patient_browser, cde11, agent_cde11, parent_a, parent_b
):
    from refectoire.households.enums import HouseholdState
    from tests.households.factories import household_for

    for parent, days in [(parent_a, 9), (parent_b, 2)]:
        household = household_for(parent, cde11, state=HouseholdState.SUBMITTED)
        household.submitted_at = timezone.now() - datetime.timedelta(days=days)
        household.save()
    oldest = timezone.localdate() - datetime.timedelta(days=9)

    page.set_viewport_size(DESKTOP)
    login(page, live_server, agent_cde11)
    page.goto(f"{live_server.url}/cde11/agent/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace agents")
    queue = page.locator(".refectoire-queue", has_text="Foyers à valider")
    expect(queue).to_contain_text("2")
    expect(queue).to_contain_text(f"le plus ancien depuis le {oldest:%d/%m/%Y}")
    expect(page.locator(".refectoire-queue", has_text="Absences à décider")).to_have_count(0)
    check_page(page)
    follow(queue.get_by_role("link", name="Foyers à valider"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
