"""Canteen staff accounts (issue 18): a staff member of a Caisse reads the attendance list of their
own schools, with the PAI markers, its printable version and the PAI page of a child of those
schools, and nothing else; every PAI they are shown is written in the access log. Everyone else
(another family, the child's own parent, staff of another school or Caisse, an agent of another
Caisse, an anonymous visitor) gets nothing there."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from refectoire.accounts.enums import AccessKind
from refectoire.accounts.models import AccessLog
from refectoire.enrollment.enums import PaiKind, PaiState
from refectoire.enrollment.models import Attendance, Enrollment, Pai
from refectoire.enrollment.pai import pai_declare, pai_validate
from refectoire.enrollment.services import enrollment_create
from refectoire.menus.services import (
    menu_group_save,
    menu_week_ensure,
    menu_week_publish,
    menu_week_set_dishes,
)
from refectoire.schools.models import CanteenStaff
from refectoire.schools.staff import canteen_staff_create, canteen_staff_update
from tests.enrollment.conftest import open_school_year
from tests.factories import NewsItemFactory, UserFactory
from tests.menus.conftest import signed_pai
from tests.schools.factories import SchoolFactory
from tests.www.backoffice.test_access import backoffice_paths

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())
TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def keller(cde11):
    return SchoolFactory(caisse=cde11, name="École Keller", weekdays="12345")


@pytest.fixture
def roquette(cde11):
    return SchoolFactory(caisse=cde11, name="École Roquette", weekdays="12345")


@pytest.fixture
def pai(cde11, household_a, keller, agent_cde11):
    """The validated PAI of household A's child, enrolled at Keller, whose Tuesday dessert has nuts."""
    child = household_a.children.get()
    child.first_name, child.last_name = "Zélie", "Quintard"
    child.save()
    enrollment_create(
        household=household_a,
        child=child,
        school=keller,
        school_year=open_school_year(cde11),
        weekdays="12345",
    )
    pai = pai_declare(
        household=household_a,
        child=child,
        kind=PaiKind.ADAPTED_MEAL,
        allergens=["arachides", "fruits_a_coque"],
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=100),
        uploaded_file=signed_pai(),
        actor=None,
    )
    pai_validate(pai=pai, agent=agent_cde11)
    group = menu_group_save(caisse=cde11, name="Cuisine", schools=[keller])
    week = menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=MONDAY),
        dishes=[
            {
                "day": TUESDAY,
                "course": "dessert",
                "name": "Brownie aux noix",
                "allergens": ["fruits_a_coque", "gluten"],
                "labels": [],
            },
            {"day": TUESDAY, "course": "plat", "name": "Riz", "allergens": [], "labels": []},
        ],
    )
    menu_week_publish(week=week, agent=agent_cde11)
    AccessLog.objects.all().delete()
    return pai


def staff_of(caisse, *schools, email):
    return canteen_staff_create(
        caisse=caisse, first_name="Rose", last_name="Cantine", email=email, schools=schools
    ).user


@pytest.fixture
def staff_keller(cde11, keller):
    return staff_of(cde11, keller, email="cantine.keller@example.fr")


@pytest.fixture
def visitors(cde11, cde19, roquette, parent_a, parent_b, agent_cde19, staff_keller):
    return {
        "other family": parent_b,
        "parent of the child": parent_a,
        "staff of another school": staff_of(cde11, roquette, email="cantine.roquette@example.fr"),
        "staff of another caisse": staff_of(cde19, SchoolFactory(caisse=cde19), email="cantine19@example.fr"),
        "agent of another caisse": agent_cde19,
        "anonymous": None,
        "the right staff": staff_keller,
    }


def screens(curl, cde11, keller, pai, household_a):
    query = f"?school={keller.uuid}&day={TUESDAY.isoformat()}"
    return {
        "attendance list": curl(cde11, "backoffice:attendance") + query,
        "printable list": curl(cde11, "backoffice:attendance_print") + query,
        "pai detail": curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid),
        "household page": curl(cde11, "backoffice:household_detail", household_uuid=household_a.uuid),
        "invoices": curl(cde11, "backoffice:billing_invoices"),
    }


SEES = {("the right staff", screen) for screen in ("attendance list", "printable list", "pai detail")}
VISITORS = [
    "other family",
    "parent of the child",
    "staff of another school",
    "staff of another caisse",
    "agent of another caisse",
    "anonymous",
    "the right staff",
]
SCREENS = ["attendance list", "printable list", "pai detail", "household page", "invoices"]


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("screen", SCREENS)
def test_only_the_staff_of_the_childs_school_reads_its_pai(
    client, curl, cde11, keller, household_a, pai, visitors, who, screen
):
    user = visitors[who]
    if user is not None:
        client.force_login(user)
    response = client.get(screens(curl, cde11, keller, pai, household_a)[screen])
    page = response.content.decode()
    if (who, screen) in SEES:
        assert response.status_code == 200
        assert "Arachides, Fruits à coque" in page
        assert pai.child.full_name in page
        log = AccessLog.objects.get()
        assert (log.kind, log.agent, log.object_id, log.household_id, log.caisse) == (
            AccessKind.PAI,
            user,
            str(pai.uuid),
            household_a.pk,
            cde11,
        )
        assert (
            log.screen
            == {
                "attendance list": "backoffice:attendance",
                "printable list": "backoffice:attendance_print",
                "pai detail": "backoffice:pai_detail",
            }[screen]
        )
    else:
        if user is None:
            assert response.status_code == 302 and "/compte/login/" in response["Location"]
        elif who == "staff of another school" and screen == "attendance list":
            # Their own attendance page, but Keller is not among the schools they may choose.
            assert response.status_code == 200
            assert "Sélectionnez un choix valide" in page
        else:
            assert response.status_code == 404
        assert "Arachides" not in page and "Zélie" not in page
        assert not AccessLog.objects.exists()


def test_the_parent_sees_the_pai_in_the_portal(client, curl, cde11, parent_a, pai):
    client.force_login(parent_a)
    assert "Arachides" in client.get(curl(cde11, "portal:pai_list")).content.decode()


def test_the_staff_list_shows_the_pai_marker_and_the_days_dishes(
    client, curl, cde11, keller, pai, staff_keller
):
    client.force_login(staff_keller)
    for name in ("backoffice:attendance", "backoffice:attendance_print"):
        page = client.get(
            curl(cde11, name) + f"?school={keller.uuid}&day={TUESDAY.isoformat()}"
        ).content.decode()
        assert "Repas adapté fourni par la cuisine" in page
        assert "Plat du jour concerné : Brownie aux noix (Fruits à coque)" in page
        assert "fruits_a_coque" not in page and "adapted_meal" not in page
    assert AccessLog.objects.filter(agent=staff_keller, kind=AccessKind.PAI).count() == 2


def test_the_staff_chooses_only_among_their_schools(client, curl, cde11, keller, roquette, staff_keller):
    client.force_login(staff_keller)
    page = client.get(curl(cde11, "backoffice:attendance")).content.decode()
    assert "École Keller" in page and "École Roquette" not in page
    assert "Foyers" not in page and "Facturation" not in page


def test_the_staff_reads_a_pai_but_cannot_decide_nor_open_its_document(
    client, curl, cde11, pai, staff_keller
):
    client.force_login(staff_keller)
    page = client.get(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid)).content.decode()
    assert "Valider le PAI" not in page and "PAI signé" not in page
    response = client.post(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid), {"action": "refuse"})
    assert response.status_code == 403
    assert client.get(curl(cde11, "backoffice:pai_document", pai_uuid=pai.uuid)).status_code == 404


def test_every_other_backoffice_url_is_a_404_for_the_staff(client, cde11, staff_keller):
    news = NewsItemFactory(caisse=cde11)
    client.force_login(staff_keller)
    allowed = {"/cde11/agent/pointage/"}
    for path in backoffice_paths(cde11, news.uuid):
        if path in allowed:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{method.upper()} {path} gave {response.status_code}"


def test_an_ended_staff_account_sees_nothing(client, curl, cde11, keller, pai, staff_keller):
    staff = CanteenStaff.objects.get(user=staff_keller)
    canteen_staff_update(staff=staff, schools=[keller], is_active=False)
    client.force_login(staff_keller)
    assert client.get(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid)).status_code == 404
    assert client.get(curl(cde11, "backoffice:attendance")).status_code == 404


@override_settings(AGENT_MFA="required")
def test_the_staff_needs_two_factor_authentication_when_agents_do(client, curl, cde11, pai, staff_keller):
    client.force_login(staff_keller)
    response = client.get(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid))
    assert response.status_code == 302 and "totp" in response["Location"]
    assert not AccessLog.objects.exists()


def test_the_staff_logs_in_to_the_attendance_list(client, cde11, keller):
    user = staff_of(cde11, keller, email="rose@example.fr")
    user.set_password("Cantine2026-Keller")
    user.save()
    response = client.post("/cde11/compte/login/", {"login": user.username, "password": "Cantine2026-Keller"})
    assert response.status_code == 302
    assert response["Location"] == "/cde11/agent/pointage/"


def test_a_manager_creates_a_staff_account_with_its_schools(
    client, curl, cde11, keller, roquette, manager_cde11
):
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:canteen_staff_list")
    response = client.post(
        url,
        {"first_name": "Rose", "last_name": "Lemaire", "email": "rose@example.fr", "schools": [keller.pk]},
    )
    assert response.status_code == 302
    staff = CanteenStaff.objects.get(caisse=cde11)
    assert staff.user.get_full_name() == "Rose Lemaire" and not staff.user.has_usable_password()
    assert list(staff.schools.all()) == [keller]
    assert staff.history.first().history_user == manager_cde11
    assert staff.user.username in client.get(url).content.decode()
    edit = curl(cde11, "backoffice:canteen_staff_edit", staff_uuid=staff.uuid)
    assert client.post(edit, {"schools": [keller.pk, roquette.pk], "is_active": "on"}).status_code == 302
    assert set(staff.schools.all()) == {keller, roquette}


def test_a_staff_account_needs_a_school_and_keeps_what_was_typed(client, curl, cde11, keller, manager_cde11):
    client.force_login(manager_cde11)
    response = client.post(
        curl(cde11, "backoffice:canteen_staff_list"),
        {"first_name": "Rose", "last_name": "Lemaire", "email": "rose@example.fr"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez au moins un établissement." in page and 'value="Lemaire"' in page
    assert not CanteenStaff.objects.exists()


def test_an_existing_account_gets_the_role_and_another_caisses_school_is_refused(cde11, cde19, keller):
    parent = UserFactory(email="maman@example.fr")
    staff = canteen_staff_create(
        caisse=cde11, first_name="A", last_name="B", email="maman@example.fr", schools=[keller]
    )
    assert staff.user == parent
    with pytest.raises(Exception, match="établissements de votre Caisse"):
        canteen_staff_create(
            caisse=cde19, first_name="A", last_name="B", email="autre@example.fr", schools=[keller]
        )
    assert not CanteenStaff.objects.filter(caisse=cde19).exists()


@pytest.mark.parametrize("visitor", ["agent_cde11", "manager_cde19", "parent_a"])
def test_only_the_caisses_manager_manages_staff(client, request, curl, cde11, visitor):
    client.force_login(request.getfixturevalue(visitor))
    expected = 403 if visitor == "agent_cde11" else 404
    assert client.get(curl(cde11, "backoffice:canteen_staff_list")).status_code == expected


def test_staff_records_the_attendance_of_their_school_only(client, curl, cde11, keller, roquette, pai):
    enrollment = Enrollment.objects.get(child=pai.child)
    other = staff_of(cde11, roquette, email="cantine.roquette@example.fr")
    client.force_login(other)
    query = f"?school={keller.uuid}&day={TUESDAY.isoformat()}"
    client.post(curl(cde11, "backoffice:attendance") + query, {"present": [enrollment.pk]})
    assert not Attendance.objects.exists()
    client.force_login(staff_of(cde11, keller, email="cantine.keller2@example.fr"))
    client.post(curl(cde11, "backoffice:attendance") + query, {"present": [enrollment.pk]})
    assert Attendance.objects.get(enrollment=enrollment, day=TUESDAY).present


def test_staff_never_read_a_pai_not_validated(client, curl, cde11, pai, staff_keller):
    Pai.objects.filter(pk=pai.pk).update(state=PaiState.PENDING)
    client.force_login(staff_keller)
    assert client.get(curl(cde11, "backoffice:pai_detail", pai_uuid=pai.uuid)).status_code == 404
    assert not AccessLog.objects.exists()
