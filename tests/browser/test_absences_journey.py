"""A parent, on a phone, declares an absence from the child's planning: checks what it covers,
confirms, finds it in "Mes absences" and sees it on the planning."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_a_parent_declares_an_absence_from_the_planning_on_a_phone(
    page, live_server, check_page, cde11, parent_a
):
    from django.utils import timezone

    from refectoire.enrollment.absences import absence_rules_ensure
    from refectoire.enrollment.enums import AbsenceState, DayStatus
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

    page.set_viewport_size(PHONE)
    login(page, live_server, parent_a)
    planning = f"{live_server.url}/cde11/mon-espace/planning/{enrollment.uuid}/?mois={day:%Y-%m}"
    page.goto(planning)
    check_page(page)
    page.get_by_role("link", name="Signaler une absence").click()
    expect(page.get_by_role("heading", name="Signaler une absence", level=1)).to_be_visible()
    check_page(page)
    page.get_by_label("Premier jour d'absence").fill(day.isoformat())
    page.get_by_label("Dernier jour d'absence").fill(day.isoformat())
    page.get_by_text("Convenance personnelle", exact=True).click()
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Cette absence couvre 1 repas prévu.")).to_be_visible()
    expect(page.get_by_text("Délai de prévenance respecté", exact=False)).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Confirmer l'absence").click()
    expect(page.get_by_role("heading", name="Mes absences")).to_be_visible()
    expect(page.get_by_text("Acceptée automatiquement")).to_be_visible()
    check_page(page)
    page.goto(planning)
    expect(page.get_by_text("Absence acceptée").first).to_be_visible()
    check_page(page)
    assert Absence.objects.get().state == AbsenceState.ACCEPTED
