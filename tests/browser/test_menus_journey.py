"""Menus in chromium: a parent reads the week's menu on a 360 px phone, the dishes containing the
allergens of the child's PAI marked in words (axe on each page); an agent builds and publishes a
week with the keyboard only."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def a_published_week_with_a_pai(cde11, parent_a, agent_cde11):
    """This week's menu of École élémentaire Keller, published, and a validated PAI (arachides) of
    parent A's child, enrolled there: one dish contains peanuts."""
    from refectoire.enrollment.enums import PaiKind
    from refectoire.enrollment.pai import pai_declare, pai_validate
    from refectoire.enrollment.services import enrollment_create
    from refectoire.menus.services import (
        menu_group_save,
        menu_week_ensure,
        menu_week_publish,
        menu_week_set_dishes,
    )
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.menus.conftest import signed_pai
    from tests.schools.factories import SchoolFactory

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    school = SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    household, (child,) = family(cde11, parent_a)
    enrollment_create(
        household=household, child=child, school=school, school_year=open_school_year(cde11), weekdays="12345"
    )
    pai = pai_declare(
        household=household,
        child=child,
        kind=PaiKind.ADAPTED_MEAL,
        allergens=["arachides"],
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=100),
        uploaded_file=signed_pai(),
        actor=None,
    )
    pai_validate(pai=pai, agent=agent_cde11)
    group = menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[school])
    week = menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=monday),
        dishes=[
            {
                "day": monday,
                "course": "plat",
                "name": "Poulet aux cacahuètes",
                "allergens": ["arachides"],
                "labels": [],
            },
            {"day": monday, "course": "dessert", "name": "Compote", "allergens": [], "labels": ["bio"]},
            {
                "day": monday + datetime.timedelta(days=1),
                "course": "plat",
                "name": "Omelette",
                "allergens": ["oeufs"],
                "labels": ["vegetarien"],
            },
        ],
    )
    menu_week_publish(week=week, agent=agent_cde11)


def test_a_parent_reads_the_weeks_menu_with_the_pai_marks_on_a_phone(
    page, live_server, check_page, patient_browser, cde11, parent_a, agent_cde11
):
    a_published_week_with_a_pai(cde11, parent_a, agent_cde11)

    page.set_viewport_size(PHONE)
    login(page, live_server, parent_a)
    page.goto(f"{live_server.url}/cde11/mon-espace/menus/")
    expect(page.get_by_role("heading", name="Menus", level=1)).to_be_visible()
    expect(page.get_by_text("Poulet aux cacahuètes")).to_be_visible()
    expect(page.get_by_text("Attention PAI : contient Arachides")).to_have_count(1)
    check_page(page)
    follow(page.get_by_role("link", name="PAI (allergies)"))
    expect(page.get_by_text("Repas adapté fourni par la cuisine")).to_be_visible()
    check_page(page)
    # The public menu, without login.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cde11/menus/")
    follow(page.get_by_role("link", name="École élémentaire Keller"))
    expect(page.get_by_text("Poulet aux cacahuètes")).to_be_visible()
    expect(page.get_by_text("Attention PAI")).to_have_count(0)
    check_page(page)


def test_an_agent_builds_and_publishes_a_week_with_the_keyboard(
    page, live_server, check_page, patient_browser, cde11, agent_cde11
):
    from refectoire.menus.enums import MenuWeekState
    from refectoire.menus.models import MenuWeek
    from refectoire.menus.services import menu_group_save
    from tests.schools.factories import SchoolFactory

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=7)
    school = SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    group = menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[school])

    login(page, live_server, agent_cde11)
    page.goto(f"{live_server.url}/cde11/agent/menus/{group.uuid}/{monday.isoformat()}/")
    check_page(page)
    first_name = page.locator("#id_dish-0-name")
    first_name.focus()
    page.keyboard.type("Omelette aux herbes")
    # To the allergens and labels of this dish: open the details with the keyboard, tick with Space.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    eggs = page.locator("#id_dish-0-allergens_2")
    eggs.focus()
    page.keyboard.press("Space")
    vegetarian = page.locator("#id_dish-0-labels_6")
    vegetarian.focus()
    page.keyboard.press("Space")
    save = page.get_by_role("button", name="Enregistrer la semaine")
    save.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.get_by_text("Les menus de la semaine sont enregistrés.")).to_be_visible()
    check_page(page)
    publish = page.get_by_role("button", name="Publier la semaine")
    publish.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.get_by_text("La semaine est publiée : les familles la voient.")).to_be_visible()
    check_page(page)
    week = MenuWeek.objects.get(group=group, monday=monday)
    assert week.state == MenuWeekState.PUBLISHED
    (dish,) = week.dishes.all()
    assert (dish.name, dish.allergens, dish.labels, dish.day) == (
        "Omelette aux herbes",
        ["oeufs"],
        ["vegetarien"],
        monday,
    )
