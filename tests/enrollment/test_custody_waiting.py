"""Shared custody by calendar before any calendar: the enrollment waits (not « effective »), the
agents see it in a queue, the weeks given to no household are flagged; shared custody is between
two households, never inside one."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from refectoire.enrollment import selectors
from refectoire.enrollment.enums import Custody, DayStatus
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import (
    child_link_create,
    custody_weeks_set,
    enrollment_create,
    enrollment_custody_change,
    monday_of,
)
from refectoire.households.enums import GuardianRole
from tests.enrollment.conftest import pdf_bytes
from tests.enrollment.factories import GuardianFactory, family

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(days=7)
CO_GUARDIAN_REFUSED = "Les deux responsables de l'enfant sont déclarés dans ce même foyer"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())))


def calendar_enrollment(household, child, school, year):
    return enrollment_create(
        household=household,
        child=child,
        school=school,
        school_year=year,
        weekdays="12345",
        custody=Custody.CALENDAR,
    )


@pytest.fixture
def two_homes(cde11, parent_a, keller, current_year):
    """The same child in two households, both enrolled in shared custody by calendar, not linked."""
    ha, (ca,) = family(cde11, parent_a)
    hb, (cb,) = family(cde11)
    cb.first_name, cb.last_name = ca.first_name, ca.last_name
    cb.save()
    ea = calendar_enrollment(ha, ca, keller, current_year)
    eb = calendar_enrollment(hb, cb, keller, current_year)
    return ea, eb


# The rule: shared custody is between two households ------------------------------------------


@pytest.mark.parametrize("custody", [Custody.EVEN, Custody.ODD, Custody.CALENDAR])
def test_shared_custody_is_refused_when_both_responsables_are_in_the_household(
    cde11, parent_a, keller, current_year, custody
):
    household, (child,) = family(cde11, parent_a)
    GuardianFactory(household=household, role=GuardianRole.CO_GUARDIAN)
    with pytest.raises(ValidationError) as error:
        enrollment_create(
            household=household,
            child=child,
            school=keller,
            school_year=current_year,
            weekdays="12",
            custody=custody,
        )
    assert CO_GUARDIAN_REFUSED in " ".join(error.value.message_dict["custody"])
    assert not Enrollment.objects.exists()
    enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12"
    )
    assert Enrollment.objects.get().custody == Custody.FULL


def test_a_custody_change_to_shared_custody_is_refused_in_a_household_of_two_responsables(
    cde11, parent_a, keller, current_year
):
    household, (child,) = family(cde11, parent_a)
    GuardianFactory(household=household, role=GuardianRole.CO_GUARDIAN)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12"
    )
    with pytest.raises(ValidationError) as error:
        enrollment_custody_change(
            enrollment=enrollment, custody=Custody.EVEN, starts_on=enrollment.start_date
        )
    assert CO_GUARDIAN_REFUSED in " ".join(error.value.messages)
    enrollment.refresh_from_db()
    assert enrollment.custody == Custody.FULL


def test_the_form_says_next_to_the_custody_question_why_shared_custody_is_refused(
    client, curl, cde11, parent_a, keller, current_year
):
    household, (child,) = family(cde11, parent_a)
    GuardianFactory(household=household, role=GuardianRole.CO_GUARDIAN)
    client.force_login(parent_a)
    url = curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=current_year.uuid)
    response = client.post(
        url, {"school": keller.pk, "weekdays": ["1", "2"], "shared_custody": "oui", "weeks": "even"}
    )
    assert response.status_code == 200 and not Enrollment.objects.exists()
    form = response.context["form"]
    assert CO_GUARDIAN_REFUSED in " ".join(form.errors["shared_custody"])
    assert form["weekdays"].value() == ["1", "2"]


# The parent: waiting for the calendar, never « effective » ------------------------------------


def test_a_calendar_custody_without_calendar_waits_and_says_so_to_the_parent_once(
    client, curl, cde11, parent_a, keller, current_year, django_capture_on_commit_callbacks
):
    from django.core import mail

    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    upload = SimpleUploadedFile("garde.pdf", pdf_bytes(), content_type="application/pdf")
    url = curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=current_year.uuid)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "school": keller.pk,
                "weekdays": ["1", "2"],
                "shared_custody": "oui",
                "custody_calendar": upload,
            },
        )
    enrollment = Enrollment.objects.get(child=child)
    assert selectors.awaits_custody_calendar(enrollment)
    first = text(client.get(response["Location"]))
    assert "est effective" not in first and "Inscription effective" not in first
    assert "n'est pas encore effective : la Caisse des écoles doit d'abord saisir votre calendrier" in first
    assert "En attente du calendrier de garde" in first
    assert "est effective" not in mail.outbox[0].body
    assert "Elle sera effective quand la Caisse des écoles aura saisi votre calendrier" in mail.outbox[0].body
    again = text(client.get(response["Location"]))
    assert "doit d'abord saisir" not in again and "En attente du calendrier de garde" in again
    listing = text(client.get(curl(cde11, "portal:enrollment_list")))
    assert "En attente du calendrier de garde" in listing
    planning = client.get(curl(cde11, "portal:planning", enrollment_uuid=enrollment.uuid))
    assert "aucun repas n'est prévu" in text(planning)
    statuses = {cell["status"] for week in planning.context["weeks"] for cell in week}
    assert DayStatus.CUSTODY_PENDING in statuses and DayStatus.OTHER_GUARDIAN not in statuses


def test_once_the_calendar_gives_it_weeks_the_enrollment_is_effective(cde11, two_homes):
    ea, eb = two_homes
    assert selectors.custody_calendar_waiting([ea, eb]) == {ea.pk, eb.pk}
    link = child_link_create(caisse=cde11, child_a=ea.child, child_b=eb.child)
    assert selectors.custody_calendar_waiting([ea, eb]) == {ea.pk, eb.pk}
    custody_weeks_set(link=link, weeks={monday_of(ea.start_date) + WEEK: ea.household})
    assert selectors.custody_calendar_waiting([ea, eb]) == {eb.pk}
    day = monday_of(ea.start_date) + 2 * WEEK
    statuses = selectors.day_statuses(
        caisse=cde11, household=ea.household, child=ea.child, start=day, end=day
    )
    assert statuses[day] in {DayStatus.CUSTODY_PENDING, DayStatus.SCHOOL_HOLIDAY, DayStatus.PUBLIC_HOLIDAY}


def test_a_week_given_to_the_other_household_reads_as_the_other_responsable(cde11, two_homes):
    ea, eb = two_homes
    link = child_link_create(caisse=cde11, child_a=ea.child, child_b=eb.child)
    monday = monday_of(ea.start_date) + WEEK
    custody_weeks_set(link=link, weeks={monday: eb.household})
    statuses = selectors.day_statuses(
        caisse=cde11, household=ea.household, child=ea.child, start=monday, end=monday + datetime.timedelta(4)
    )
    assert DayStatus.CUSTODY_PENDING not in statuses.values()
    assert DayStatus.OTHER_GUARDIAN in statuses.values() or set(statuses.values()) <= {
        DayStatus.SCHOOL_HOLIDAY,
        DayStatus.PUBLIC_HOLIDAY,
    }


# The agents: a queue, and the weeks with no payer -------------------------------------------


def test_the_agents_queue_lists_the_waiting_enrollments_by_holder_and_reference(
    client, curl, cde11, agent_cde11, two_homes
):
    ea, eb = two_homes
    client.force_login(agent_cde11)
    home = text(client.get(curl(cde11, "backoffice:home")))
    assert "Gardes alternées à compléter (calendrier de garde) 2" in home
    page = text(client.get(curl(cde11, "backoffice:custody_to_complete")))
    holder = ea.household.primary_guardian
    assert f"{holder.first_name} {holder.last_name.upper()} (réf. {ea.household.reference})" in page
    assert "Lier l'enfant à son autre foyer" in page
    assert str(ea.household.uuid) not in page


def test_weeks_given_to_no_household_are_flagged_to_the_agents(client, curl, cde11, agent_cde11, two_homes):
    ea, eb = two_homes
    link = child_link_create(caisse=cde11, child_a=ea.child, child_b=eb.child)
    today = timezone.localdate()
    this_monday = monday_of(today)
    mondays = [this_monday + i * WEEK for i in range(0, 40) if this_monday + i * WEEK <= ea.end_date]
    weeks = {monday: (ea.household if i % 2 else eb.household) for i, monday in enumerate(mondays)}
    holes = mondays[3:9]  # six weeks: some have school days, whatever the holidays
    for hole in holes:
        weeks[hole] = None
    custody_weeks_set(link=link, weeks=weeks)
    waiting, gaps = selectors.custody_calendars_to_complete(caisse=cde11, today=today)
    school_weeks = selectors.custody_link_weeks_without_payer(link=link, today=today)
    assert waiting == [] and school_weeks and set(school_weeks) <= set(holes)
    assert [gap.mondays for gap in gaps] == [school_weeks]
    client.force_login(agent_cde11)
    page = text(client.get(curl(cde11, "backoffice:custody_to_complete")))
    assert school_weeks[0].strftime("%d/%m/%Y") in page
    editor = text(client.get(curl(cde11, "backoffice:custody_weeks", link_uuid=link.uuid)))
    assert "Sans payeur" in editor and "à venir" in editor and "aucun foyer" in editor


@pytest.mark.parametrize("visitor", ["agent_cde19", "parent_a"])
def test_the_queue_of_custody_to_complete_is_a_404_for_others(
    client, curl, request, cde11, two_homes, visitor
):
    client.force_login(request.getfixturevalue(visitor))
    assert client.get(curl(cde11, "backoffice:custody_to_complete")).status_code == 404


def test_an_agent_of_another_caisse_sees_none_of_its_waiting_enrollments(
    client, curl, cde11, cde19, agent_cde19, two_homes
):
    ea, _eb = two_homes
    client.force_login(agent_cde19)
    page = text(client.get(curl(cde19, "backoffice:custody_to_complete")))
    assert "Aucune inscription en attente." in page and ea.child.full_name not in page
