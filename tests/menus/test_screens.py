"""The menus screens: the parent's « Menus » with allergen marks in words, the public menus (no
login, drafts hidden), the iCalendar feed (RFC 5545, read back by the icalendar parser), the weekly
PDF, the agent's week grid (save, copy, publish), EGAlim CSV, meal options, forecast and attendance."""

import datetime
import io

import icalendar
import pypdf
import pytest
from django.utils import timezone

from refectoire.enrollment.enums import PaiKind
from refectoire.enrollment.options import meal_option_choose, meal_option_save
from refectoire.enrollment.pai import pai_declare, pai_validate
from refectoire.enrollment.services import enrollment_create
from refectoire.menus.enums import MenuWeekState
from refectoire.menus.models import MenuWeek
from refectoire.menus.services import (
    menu_group_save,
    menu_week_ensure,
    menu_week_publish,
    menu_week_set_dishes,
)
from tests.enrollment.conftest import open_school_year
from tests.menus.conftest import signed_pai
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())


@pytest.fixture
def school(cde11):
    return SchoolFactory(caisse=cde11, name="École élémentaire Keller", weekdays="12345")


@pytest.fixture
def group(cde11, school):
    return menu_group_save(caisse=cde11, name="Cuisine centrale", schools=[school])


def publish(group, monday, agent, dishes=None):
    week = menu_week_ensure(group=group, monday=monday)
    menu_week_set_dishes(
        week=week,
        dishes=dishes
        or [
            {
                "day": monday,
                "course": "plat",
                "name": "Poulet aux cacahuètes",
                "allergens": ["arachides"],
                "labels": [],
            },
            {
                "day": monday,
                "course": "dessert",
                "name": "Compote de pommes",
                "allergens": [],
                "labels": ["bio"],
            },
            {
                "day": monday + datetime.timedelta(days=1),
                "course": "plat",
                "name": "Omelette",
                "allergens": ["oeufs"],
                "labels": ["vegetarien"],
            },
        ],
    )
    return menu_week_publish(week=week, agent=agent)


@pytest.fixture
def enrolled(cde11, school, household_a):
    year = open_school_year(cde11)
    child = household_a.children.get()
    return enrollment_create(
        household=household_a, child=child, school=school, school_year=year, weekdays="12345"
    )


def validated_pai(enrollment, agent, allergens=("arachides", "fruits_a_coque")):
    pai = pai_declare(
        household=enrollment.household,
        child=enrollment.child,
        kind=PaiKind.ADAPTED_MEAL,
        allergens=list(allergens),
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=200),
        uploaded_file=signed_pai(),
        actor=None,
    )
    return pai_validate(pai=pai, agent=agent)


# --- Parents -------------------------------------------------------------------------------------


def test_parent_reads_the_week_with_the_pai_dishes_marked_in_words(
    client, curl, cde11, parent_a, enrolled, group, agent_cde11
):
    publish(group, MONDAY, agent_cde11)
    validated_pai(enrolled, agent_cde11)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:menus")).content.decode()
    assert "Poulet aux cacahuètes" in page
    assert "Attention PAI : contient Arachides" in page
    assert page.count("Attention PAI") == 1  # the compote and the omelette are not marked
    assert "Repas végétarien" in page
    assert "Les menus de cette semaine ne sont pas encore publiés." in page  # next week: nothing yet


def test_without_a_pai_nothing_is_marked(client, curl, cde11, parent_a, enrolled, group, agent_cde11):
    publish(group, MONDAY, agent_cde11)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:menus")).content.decode()
    assert "Poulet aux cacahuètes" in page and "Attention PAI" not in page


def test_a_draft_week_is_not_shown_to_parents(client, curl, cde11, parent_a, enrolled, group):
    menu_week_set_dishes(
        week=menu_week_ensure(group=group, monday=MONDAY),
        dishes=[{"day": MONDAY, "course": "plat", "name": "Plat secret", "allergens": [], "labels": []}],
    )
    client.force_login(parent_a)
    assert "Plat secret" not in client.get(curl(cde11, "portal:menus")).content.decode()
    assert (
        "Plat secret"
        not in client.get(
            curl(cde11, "public:school_menus", school_uuid=group.schools.get().uuid)
        ).content.decode()
    )


def test_parent_declares_a_pai_from_the_portal(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    child = household_a.children.get()
    response = client.post(
        curl(cde11, "portal:pai_declare"),
        {
            "child": child.pk,
            "kind": PaiKind.PACKED_MEAL,
            "allergens": ["arachides"],
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=100)).isoformat(),
            "document": signed_pai(),
        },
    )
    assert response.status_code == 302
    page = client.get(curl(cde11, "portal:pai_list")).content.decode()
    assert "Panier repas fourni par la famille" in page and "En attente de validation" in page


def test_a_too_long_pai_keeps_what_was_typed_and_says_why(client, curl, cde11, parent_a, household_a):
    client.force_login(parent_a)
    child = household_a.children.get()
    page = client.post(
        curl(cde11, "portal:pai_declare"),
        {
            "child": child.pk,
            "kind": PaiKind.ADAPTED_MEAL,
            "allergens": ["arachides"],
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=500)).isoformat(),
            "document": signed_pai(),
        },
    ).content.decode()
    assert "Un PAI vaut une année scolaire au plus" in page
    assert 'value="arachides" checked' in page or "checked" in page
    assert not household_a.pais.exists()


def test_parent_chooses_a_meal_option_from_next_monday(client, curl, cde11, parent_a, enrolled):
    option = meal_option_save(caisse=cde11, label="Repas sans viande")
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:meal_options"),
        {"enrollment": str(enrolled.uuid), f"e{enrolled.pk}-option": option.pk},
    )
    assert response.status_code == 302
    choice = enrolled.meal_option_choices.get()
    assert choice.option == option and choice.starts_on == MONDAY + datetime.timedelta(days=7)


# --- Public pages, feed and PDF ------------------------------------------------------------------


def test_public_menus_need_no_login_and_hide_other_caisses(
    client, curl, cde11, cde19, school, group, agent_cde11
):
    publish(group, MONDAY, agent_cde11)
    assert school.name in client.get(curl(cde11, "public:menus")).content.decode()
    page = client.get(curl(cde11, "public:school_menus", school_uuid=school.uuid)).content.decode()
    assert "Poulet aux cacahuètes" in page and "Allergènes : Arachides" in page
    assert client.get(curl(cde19, "public:school_menus", school_uuid=school.uuid)).status_code == 404
    assert client.get(curl(cde19, "public:menus_feed", school_uuid=school.uuid)).status_code == 404


def test_the_ical_feed_is_valid_rfc_5545(client, curl, cde11, school, group, agent_cde11):
    long_name = (
        "Filet de poisson pané sauce tartare maison et ses petits légumes de saison bio du Val-de-Marne"
    )
    publish(
        group,
        MONDAY,
        agent_cde11,
        dishes=[
            {
                "day": MONDAY,
                "course": "plat",
                "name": long_name,
                "allergens": ["poissons", "oeufs", "gluten"],
                "labels": [],
            },
            {
                "day": MONDAY + datetime.timedelta(days=2),
                "course": "entree",
                "name": "Radis; beurre, sel",
                "allergens": ["lait"],
                "labels": [],
            },
        ],
    )
    response = client.get(curl(cde11, "public:menus_feed", school_uuid=school.uuid))
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\r\n " in raw  # the long lines were folded
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert [event.decoded("DTSTART") for event in events] == [MONDAY, MONDAY + datetime.timedelta(days=2)]
    assert events[0]["SUMMARY"] == f"Menu : {long_name}"
    assert "Poissons" in events[0]["DESCRIPTION"]
    assert events[1]["DESCRIPTION"] == "Entrée : Radis; beurre, sel (allergènes : Lait)"
    assert len({str(event["UID"]) for event in events}) == 2
    assert all("DTSTAMP" in event for event in events)


def test_the_weekly_pdf_is_a4_landscape(client, curl, cde11, group, agent_cde11):
    week = publish(group, MONDAY, agent_cde11)
    response = client.get(curl(cde11, "public:menu_week_pdf", week_uuid=week.uuid))
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = reader.pages[0].extract_text()
    assert "Poulet aux cacahuètes" in text and "Arachides" in text


def test_a_draft_weeks_pdf_is_not_found(client, curl, cde11, group):
    week = menu_week_ensure(group=group, monday=MONDAY)
    assert client.get(curl(cde11, "public:menu_week_pdf", week_uuid=week.uuid)).status_code == 404


# --- Back office -----------------------------------------------------------------------------------


def grid_post(monday, rows):
    data = {"dish-TOTAL_FORMS": str(len(rows)), "dish-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data[f"dish-{index}-day"] = row["day"].isoformat()
        data[f"dish-{index}-course"] = row["course"]
        data[f"dish-{index}-name"] = row["name"]
        data[f"dish-{index}-allergens"] = row.get("allergens", [])
        data[f"dish-{index}-labels"] = row.get("labels", [])
    return data


def test_agent_builds_copies_and_publishes_a_week(client, curl, cde11, agent_cde11, group):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:menu_week", group_uuid=group.uuid, monday=MONDAY.isoformat())
    page = client.get(url).content.decode()
    assert "Enregistrer la semaine" in page
    response = client.post(
        url,
        grid_post(
            MONDAY,
            [
                {"day": MONDAY, "course": "plat", "name": "Lasagnes", "allergens": ["gluten", "lait"]},
                {"day": MONDAY, "course": "dessert", "name": ""},
            ],
        ),
    )
    assert response.status_code == 302
    week = MenuWeek.objects.get(group=group, monday=MONDAY)
    assert [(d.name, d.allergens) for d in week.dishes.all()] == [("Lasagnes", ["gluten", "lait"])]
    assert "Aucun repas végétarien cette semaine" in client.get(url).content.decode()
    client.post(curl(cde11, "backoffice:menu_week_publish", group_uuid=group.uuid, monday=MONDAY.isoformat()))
    week.refresh_from_db()
    assert week.state == MenuWeekState.PUBLISHED
    assert "Publier la semaine" not in client.get(url).content.decode()
    next_monday = MONDAY + datetime.timedelta(days=7)
    client.post(
        curl(cde11, "backoffice:menu_week_copy", group_uuid=group.uuid, monday=MONDAY.isoformat()),
        {"monday": next_monday.isoformat()},
    )
    copy = MenuWeek.objects.get(group=group, monday=next_monday)
    assert copy.state == MenuWeekState.DRAFT and [d.name for d in copy.dishes.all()] == ["Lasagnes"]
    home = client.get(curl(cde11, "backoffice:menus_home")).content.decode()
    assert "Publié" in home and "Brouillon" in home
    # A published week is corrected in place: families see the correction.
    client.post(
        url,
        grid_post(
            MONDAY,
            [{"day": MONDAY, "course": "plat", "name": "Lasagnes végétales", "labels": ["vegetarien"]}],
        ),
    )
    week.refresh_from_db()
    assert week.state == MenuWeekState.PUBLISHED and [d.name for d in week.dishes.all()] == [
        "Lasagnes végétales"
    ]


def test_other_caisses_agents_and_parents_cannot_reach_the_grid(
    client, curl, cde11, agent_cde19, parent_a, group
):
    url = curl(cde11, "backoffice:menu_week", group_uuid=group.uuid, monday=MONDAY.isoformat())
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
    client.force_login(parent_a)
    assert client.get(url).status_code == 404


def test_egalim_csv(client, curl, cde11, agent_cde11, group):
    publish(group, MONDAY, agent_cde11)
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:egalim_csv") + f"?annee={MONDAY.year}")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "mois;groupe_de_menus;plats;plats_egalim;plats_bio;part_egalim_pct;part_bio_pct"
    assert f"{MONDAY:%Y-%m};Cuisine centrale;3;1;1;33;33" in lines


def test_a_manager_cannot_add_an_option_naming_a_belief(client, curl, cde11, manager_cde11, agent_cde11):
    client.force_login(manager_cde11)
    page = client.post(
        curl(cde11, "backoffice:meal_options"), {"label": "Repas halal", "position": 0}
    ).content.decode()
    assert "jamais une religion ou une conviction" in page
    assert 'value="Repas halal"' in page
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:meal_options")).status_code == 403


def test_forecast_shows_meals_by_option_and_pai_meals(client, curl, cde11, agent_cde11, school, enrolled):
    option = meal_option_save(caisse=cde11, label="Repas sans viande")
    meal_option_choose(
        enrollment=enrolled, option=option, actor=None, today=TODAY, from_enrollment_start=True
    )
    validated_pai(enrolled, agent_cde11)
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:forecast") + f"?school={school.uuid}&day={MONDAY.isoformat()}&scope=week"
    ).content.decode()
    assert "Repas sans viande : 1" in page
    assert "<td>1</td>" in page  # the PAI meals of the day
