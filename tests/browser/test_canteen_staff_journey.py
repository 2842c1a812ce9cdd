"""A canteen staff member in chromium on a 360 px phone: logs in through the login form, lands on
the attendance list, chooses the school and the day, reads the PAI marker and the day's dish that
contains its allergens, opens the printable list and the PAI's page (axe on each page); every PAI
shown is in the access log."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.waits import follow

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
PASSWORD = "Cantine2026-Keller"


def test_a_canteen_staff_member_reads_the_days_list_on_a_phone(
    page, live_server, check_page, patient_browser, cde11, parent_a, agent_cde11
):
    from refectoire.accounts.enums import AccessKind
    from refectoire.accounts.models import AccessLog
    from refectoire.enrollment.enums import PaiKind
    from refectoire.enrollment.pai import pai_declare, pai_validate
    from refectoire.enrollment.services import enrollment_create
    from refectoire.menus.services import (
        menu_group_save,
        menu_week_ensure,
        menu_week_publish,
        menu_week_set_dishes,
    )
    from refectoire.schools.staff import canteen_staff_create
    from tests.enrollment.conftest import open_school_year
    from tests.enrollment.factories import family
    from tests.menus.conftest import signed_pai
    from tests.schools.factories import SchoolFactory

    today = timezone.localdate()
    tuesday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=1)
    keller = SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")
    SchoolFactory(caisse=cde11, code="0751235B", name="École Roquette")
    household, (child,) = family(cde11, parent_a)
    enrollment_create(
        household=household, child=child, school=keller, school_year=open_school_year(cde11), weekdays="12345"
    )
    pai = pai_declare(
        household=household,
        child=child,
        kind=PaiKind.ADAPTED_MEAL,
        allergens=["fruits_a_coque"],
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=100),
        uploaded_file=signed_pai(),
        actor=None,
    )
    pai_validate(pai=pai, agent=agent_cde11)
    group = menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[keller])
    week = menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=tuesday - datetime.timedelta(days=1)),
        dishes=[
            {
                "day": tuesday,
                "course": "dessert",
                "name": "Brownie aux noix",
                "allergens": ["fruits_a_coque", "gluten"],
                "labels": [],
            },
        ],
    )
    menu_week_publish(week=week, agent=agent_cde11)
    staff = canteen_staff_create(
        caisse=cde11, first_name="Rose", last_name="Lemaire", email="rose@example.fr", schools=[keller]
    ).user
    staff.set_password(PASSWORD)
    staff.save()
    AccessLog.objects.all().delete()

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/cde11/compte/login/")
    page.locator("#id_login").fill(staff.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Pointage", level=1)).to_be_visible()
    assert page.url.endswith("/cde11/agent/pointage/")
    # Only their school is offered.
    expect(page.locator("#id_school option", has_text="École Roquette")).to_have_count(0)
    check_page(page)

    page.locator("#id_school").select_option(label="École élémentaire Keller")
    page.locator("#id_day").fill(tuesday.isoformat())
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Plat du jour concerné : Brownie aux noix (Fruits à coque)")).to_be_visible()
    expect(page.get_by_text("Repas adapté fourni par la cuisine")).to_be_visible()
    check_page(page)

    follow(page.get_by_role("link", name="Liste à imprimer"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Liste de pointage")
    expect(page.get_by_text("Plat du jour concerné : Brownie aux noix (Fruits à coque)")).to_be_visible()
    check_page(page)

    page.go_back(wait_until="load")
    follow(page.get_by_role("link", name=f"PAI de {child.full_name}"))
    expect(page.get_by_text("Fruits à coque")).to_be_visible()
    expect(page.get_by_role("button", name="Valider le PAI")).to_have_count(0)
    check_page(page)

    logged = AccessLog.objects.filter(agent=staff, kind=AccessKind.PAI, object_id=str(pai.uuid))
    assert set(logged.values_list("screen", flat=True)) == {
        "backoffice:attendance",
        "backoffice:attendance_print",
        "backoffice:pai_detail",
    }
