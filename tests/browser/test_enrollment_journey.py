"""The whole enrollment of a child in shared custody: each parent enrolls from their own household (even and
odd weeks), an agent links the two households, the planning and the kitchen's forecast follow."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def enroll(page, live_server, check_page, *, weeks_label):
    page.goto(f"{live_server.url}/cde11/mon-espace/inscription/")
    check_page(page)
    page.get_by_role("link", name="Inscription scolaire rentrée").first.click()
    expect(page.get_by_role("heading", name="Inscription scolaire rentrée")).to_be_visible()
    check_page(page)
    page.get_by_label("Le lieu d'inscription de votre enfant").select_option(label="École élémentaire Keller")
    for day in ("Lundi", "Mardi", "Jeudi"):
        page.get_by_text(day, exact=True).click()
    page.get_by_text("Oui", exact=True).click()
    page.get_by_text(weeks_label, exact=True).click()
    page.get_by_role("button", name="Valider l'inscription").click()
    expect(page.get_by_text("est effective")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Planning de l'enfant").click()
    expect(page.get_by_role("heading", name="Planning de l'enfant")).to_be_visible()
    check_page(page)


def test_a_child_in_shared_custody_is_enrolled_by_both_parents_and_served_once_a_day(
    page, live_server, check_page, cde11, parent_a, parent_b, agent_cde11
):
    from django.utils import timezone

    from refectoire.enrollment.models import ChildLink, Enrollment
    from refectoire.enrollment.selectors import meal_days
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    today = timezone.localdate()
    open_school_year(cde11)
    SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    household_a, (child_a,) = family(cde11, parent_a)
    household_b, (child_b,) = family(cde11, parent_b)
    child_b.first_name, child_b.last_name = child_a.first_name, child_a.last_name
    child_b.save()

    login(page, live_server, parent_a)
    enroll(page, live_server, check_page, weeks_label="Semaines paires")
    page.context.clear_cookies()
    login(page, live_server, parent_b)
    enroll(page, live_server, check_page, weeks_label="Semaines impaires")
    page.context.clear_cookies()

    login(page, live_server, agent_cde11)
    page.goto(f"{live_server.url}/cde11/agent/inscriptions/")
    check_page(page)
    follow(page.get_by_role("link", name=child_a.full_name).first)
    check_page(page)
    page.get_by_label("Le même enfant dans l'autre foyer").select_option(index=1)
    page.get_by_role("button", name="Lier les deux foyers").click()
    expect(page.get_by_text("Les deux foyers de l'enfant sont liés.")).to_be_visible()
    follow(page.get_by_role("link", name="Semaines du calendrier de garde"))
    check_page(page)
    page.goto(f"{live_server.url}/cde11/agent/effectifs/")
    page.get_by_label("Établissement").select_option(label="École élémentaire Keller")
    follow(page.get_by_role("button", name="Afficher"))
    check_page(page)

    assert ChildLink.objects.count() == 1
    assert sorted(Enrollment.objects.values_list("custody", flat=True)) == ["even", "odd"]
    days = meal_days(caisse=cde11, start=today, end=today + datetime.timedelta(days=60))
    served_a = set(days.get((household_a.pk, child_a.pk), []))
    served_b = set(days.get((household_b.pk, child_b.pk), []))
    assert served_a and served_b and not served_a & served_b


def open_enrollment_form(page, live_server, cde11, parent):
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.schools.factories import SchoolFactory

    open_school_year(cde11)
    SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    SchoolFactory(caisse=cde11, code="0755678B", name="École maternelle Belleville", weekdays="1245")
    family(cde11, parent)
    login(page, live_server, parent)
    page.goto(f"{live_server.url}/cde11/mon-espace/inscription/")
    page.get_by_role("link", name="Inscription scolaire rentrée").first.click()


def test_the_weekdays_follow_the_chosen_school_and_stay_usable_with_the_keyboard(
    page, live_server, check_page, cde11, parent_a
):
    from refectoire.enrollment.models import Enrollment

    open_enrollment_form(page, live_server, cde11, parent_a)
    wednesday = page.get_by_role("checkbox", name="Mercredi")
    page.get_by_text("Mercredi", exact=True).click()
    expect(wednesday).to_be_checked()
    school = page.get_by_label("Le lieu d'inscription de votre enfant")
    school.select_option(label="École maternelle Belleville")
    expect(wednesday).to_be_disabled()
    expect(wednesday).not_to_be_checked()
    expect(page.get_by_role("status").filter(has_text="la cantine est servie")).to_have_text(
        "À École maternelle Belleville, la cantine est servie : lundi, mardi, jeudi, vendredi."
    )
    check_page(page)
    # With the keyboard: space ticks a day, Tab goes from Tuesday straight to Thursday.
    page.get_by_role("checkbox", name="Mardi").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Mardi")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Jeudi")).to_be_focused()
    # Another school serves Wednesdays again.
    school.select_option(label="École élémentaire Keller")
    expect(wednesday).to_be_enabled()
    expect(page.get_by_role("checkbox", name="Mardi")).to_be_checked()
    school.select_option(label="École maternelle Belleville")
    page.get_by_role("button", name="Valider l'inscription").click()
    expect(page.get_by_text("est effective")).to_be_visible()
    assert Enrollment.objects.get().weekdays == "2"


def test_without_javascript_every_day_is_offered_and_the_server_says_which_one_is_not_served(
    browser, live_server, cde11, parent_a
):
    from refectoire.enrollment.models import Enrollment

    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    open_enrollment_form(page, live_server, cde11, parent_a)
    page.get_by_label("Le lieu d'inscription de votre enfant").select_option(
        label="École maternelle Belleville"
    )
    expect(page.get_by_role("checkbox", name="Mercredi")).to_be_enabled()
    page.get_by_text("Mercredi", exact=True).click()
    page.get_by_text("Non", exact=True).click()
    page.get_by_role("button", name="Valider l'inscription").click()
    expect(page.get_by_role("group", name="Indiquez les jours de présence de votre enfant")).to_contain_text(
        "La cantine de École maternelle Belleville ne sert pas le mercredi."
    )
    expect(page.get_by_role("checkbox", name="Mercredi")).to_be_checked()
    assert not Enrollment.objects.exists()
    context.close()
