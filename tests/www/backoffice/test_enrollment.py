"""Back office of the enrollment: list and export, detail, rhythm changes, shared custody, forecast,
attendance; and the schools' reference data."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from refectoire.enrollment.enums import Custody, RhythmChangeState
from refectoire.enrollment.models import Attendance, ChildLink, CustodyWeek
from refectoire.enrollment.selectors import expected_meals, meal_days
from refectoire.enrollment.services import enrollment_create, rhythm_change_request
from refectoire.schools.models import BillingPeriod, CalendarEntry, Closure, School, SchoolYear
from tests.enrollment import conftest as enrollment_fixtures
from tests.enrollment.factories import ChildFactory, family
from tests.schools.factories import SchoolFactory

# The fixtures of tests/enrollment/conftest.py, which this screen test shares.
family_a = enrollment_fixtures.family_a
keller = enrollment_fixtures.keller
periods_2026 = enrollment_fixtures.periods_2026
year_2026 = enrollment_fixtures.year_2026

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def enrolled(cde11, keller, year_2026, family_a):
    household, child = family_a
    return enrollment_create(
        household=household, child=child, school=keller, school_year=year_2026, weekdays="1245"
    )


def test_the_enrollments_list_filters_and_exports_csv(client, curl, cde11, agent_cde11, enrolled, year_2026):
    other_school = SchoolFactory(caisse=cde11, code="0750011Z", name="École Zola")
    h, (c,) = family(cde11)
    enrollment_create(household=h, child=c, school=other_school, school_year=year_2026, weekdays="1")
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:enrollment_list")
    page = client.get(url, {"school": "0751234A", "year": "2026-2027"}).content.decode()
    assert enrolled.child.full_name in page and c.full_name not in page
    response = client.get(url, {"school": "0751234A", "format": "csv"})
    lines = response.content.decode().splitlines()
    assert lines[0] == "household_ref;child_ref;school_code;weekdays;custody;start_date;end_date"
    assert lines[1:] == [
        f"{enrolled.household.reference};{enrolled.child.reference};0751234A;1245;full;2026-09-01;2027-07-02"
    ]


def test_the_detail_shows_the_history(client, curl, cde11, agent_cde11, enrolled):
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:enrollment_detail", enrollment_uuid=enrolled.uuid)
    ).content.decode()
    assert "Historique" in page and "<td>Inscription</td>" in page and "<td>create</td>" not in page
    assert "jours de présence : Lundi, Mardi, Jeudi, Vendredi" in page
    assert "garde : Garde complète" in page and "état : Inscrit" in page
    assert "1245" not in page and "· full ·" not in page and "· active" not in page


def test_the_history_names_what_a_version_changed(client, curl, cde11, agent_cde11, enrolled):
    rhythm_change_request(enrollment=enrolled, weekdays="14")
    enrolled.custody = Custody.CALENDAR
    enrolled.save()
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:enrollment_detail", enrollment_uuid=enrolled.uuid)
    ).content.decode()
    assert "Changement de rythme demandé" in page and "<td>Lundi, Jeudi</td>" in page
    assert "Fiche : Modifié</td><td>garde : Calendrier de garde</td>" in page
    assert "calendar" not in page.split("Historique", 1)[1]


def test_an_agent_validates_a_rhythm_change_for_the_next_billing_period(
    client, curl, cde11, agent_cde11, enrolled, periods_2026
):
    change = rhythm_change_request(enrollment=enrolled, weekdays="14")
    client.force_login(agent_cde11)
    home = client.get(curl(cde11, "backoffice:home")).content.decode()
    assert "Changements de rythme à valider" in home
    client.post(
        curl(cde11, "backoffice:rhythm_change_decide", change_uuid=change.uuid), {"decision": "validate"}
    )
    change.refresh_from_db()
    assert change.state == RhythmChangeState.VALIDATED
    assert (
        change.starts_on in {p.start_date for p in periods_2026}
        or change.starts_on > periods_2026[-1].start_date
    )


def test_a_refusal_needs_a_reason(client, curl, cde11, agent_cde11, enrolled):
    change = rhythm_change_request(enrollment=enrolled, weekdays="14")
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:rhythm_change_decide", change_uuid=change.uuid),
        {"decision": "reject"},
        follow=True,
    )
    assert "Indiquez le motif du refus." in response.content.decode()
    change.refresh_from_db()
    assert change.state == RhythmChangeState.PENDING


def test_an_agent_links_the_two_households_then_enters_the_custody_weeks(
    client, curl, cde11, agent_cde11, keller, year_2026, family_a
):
    ha, ca = family_a
    hb, (cb,) = family(cde11)
    cb.first_name = ca.first_name
    cb.save()
    ea = enrollment_create(
        household=ha,
        child=ca,
        school=keller,
        school_year=year_2026,
        weekdays="12345",
        custody=Custody.CALENDAR,
    )
    enrollment_create(
        household=hb,
        child=cb,
        school=keller,
        school_year=year_2026,
        weekdays="12345",
        custody=Custody.CALENDAR,
    )
    client.force_login(agent_cde11)
    detail = curl(cde11, "backoffice:enrollment_detail", enrollment_uuid=ea.uuid)
    client.post(detail, {"link": "1", "other_child": cb.pk})
    link = ChildLink.objects.get()
    url = curl(cde11, "backoffice:custody_weeks", link_uuid=link.uuid)
    assert "S37" in client.get(url).content.decode()
    client.post(url, {"w20260907": "a", "w20260914": "b"})
    assert dict(CustodyWeek.objects.values_list("monday", "household_id")) == {
        D(2026, 9, 7): ha.pk,
        D(2026, 9, 14): hb.pk,
    }
    result = meal_days(caisse=cde11, start=D(2026, 9, 7), end=D(2026, 9, 18))
    assert len(result[ha.pk, ca.pk]) == 5 and len(result[hb.pk, cb.pk]) == 5


def test_forecast_counts_by_weekday_with_the_children_and_draws_the_month(
    client, curl, cde11, agent_cde11, enrolled, keller
):
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:forecast"), {"school": keller.uuid, "day": "2026-09-08", "scope": "week"}
    ).content.decode()
    assert "4 repas prévus" in page  # Monday 7, Tuesday 8, Thursday 10, Friday 11
    assert enrolled.child.full_name in page
    assert "<svg" in page and "08/09/2026 : 1" in page


def test_attendance_is_saved_per_day(client, curl, cde11, agent_cde11, enrolled, keller):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:attendance") + f"?school={keller.uuid}&day=2026-09-07"
    assert enrolled.child.full_name in client.get(url).content.decode()
    client.post(url, {"present": [str(enrolled.pk)]})
    assert Attendance.objects.get(day=D(2026, 9, 7)).present is True
    client.post(url, {})
    assert Attendance.objects.get(day=D(2026, 9, 7)).present is False
    assert expected_meals(caisse=cde11, school=keller, start=D(2026, 9, 7), end=D(2026, 9, 7))[
        D(2026, 9, 7)
    ] == [enrolled.pk]


def test_an_agent_adds_a_closure_of_the_whole_caisse(client, curl, cde11, agent_cde11):
    client.force_login(agent_cde11)
    client.post(
        curl(cde11, "backoffice:closure_list"),
        {"school": "", "first_day": "2026-09-17", "last_day": "2026-09-17", "reason": "Grève"},
    )
    closure = Closure.objects.get()
    assert closure.school is None and closure.created_by == agent_cde11


def test_a_manager_imports_schools_from_an_upload(client, curl, cde11, manager_cde11):
    client.force_login(manager_cde11)
    upload = SimpleUploadedFile(
        "ecoles.csv", "school_code;name;kind;address;weekdays\nA1;École A;maternelle;;12345\n".encode()
    )
    client.post(curl(cde11, "backoffice:school_list"), {"file": upload})
    assert School.objects.get(caisse=cde11).code == "A1"
    bad = SimpleUploadedFile(
        "ecoles.csv", "school_code;name;kind;address;weekdays\nA2;École B;lycee;;12345\n".encode()
    )
    page = client.post(curl(cde11, "backoffice:school_list"), {"file": bad}).content.decode()
    assert "ligne 2" in page and "lycee" in page


def test_a_plain_agent_cannot_manage_schools(client, curl, cde11, agent_cde11):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:school_list")).status_code == 403


def test_a_manager_creates_a_school_year_with_its_calendar_and_corrects_it(
    client, curl, cde11, manager_cde11
):
    client.force_login(manager_cde11)
    client.post(
        curl(cde11, "backoffice:school_year_list"),
        {
            "label": "2026-2027",
            "first_day": "2026-09-01",
            "last_day": "2027-07-02",
            "enrollment_opens_on": "2026-05-11",
        },
    )
    year = SchoolYear.objects.get(caisse=cde11)
    toussaint = year.calendar_entries.get(first_day=D(2026, 10, 17))
    assert toussaint.last_day == D(2026, 11, 1)
    client.post(
        curl(cde11, "backoffice:calendar_entry_edit", year_uuid=year.uuid, entry_uuid=toussaint.uuid),
        {
            "kind": "school_holiday",
            "name": toussaint.name,
            "first_day": "2026-10-17",
            "last_day": "2026-11-02",
        },
    )
    toussaint.refresh_from_db()
    assert toussaint.last_day == D(2026, 11, 2)
    assert CalendarEntry.objects.filter(school_year=year).count() > 10


def test_a_manager_adds_a_billing_period_with_payment_opening_hour(
    client, curl, cde11, manager_cde11, year_2026
):
    client.force_login(manager_cde11)
    client.post(
        curl(cde11, "backoffice:billing_period_create") + f"?annee={year_2026.uuid}",
        {
            "school_year": year_2026.pk,
            "label": "Mars / Avril 2027",
            "start_date": "2027-03-01",
            "end_date": "2027-04-30",
            "payment_opens_at": "2027-04-02T14:00",
            "due_date": "2027-05-15",
        },
    )
    period = BillingPeriod.objects.get(caisse=cde11)
    from django.utils import timezone

    assert timezone.localtime(period.payment_opens_at).strftime("%d/%m/%Y %H:%M") == "02/04/2027 14:00"
    page = client.get(curl(cde11, "backoffice:school_year_detail", year_uuid=year_2026.uuid)).content.decode()
    assert "Mars / Avril 2027" in page and "02/04/2027 à 14h00" in page


@pytest.mark.parametrize("visitor", ["agent_cde19", "manager_cde19", "parent_a"])
def test_every_new_backoffice_object_of_cde11_is_a_404_for_others(
    client, curl, request, cde11, cde19, keller, year_2026, family_a, visitor
):
    ha, ca = family_a
    hb, (cb,) = family(cde11)
    enrollment = enrollment_create(
        household=ha, child=ca, school=keller, school_year=year_2026, weekdays="12", custody=Custody.EVEN
    )
    change = rhythm_change_request(enrollment=enrollment, weekdays="1")
    from refectoire.enrollment.services import child_link_create
    from refectoire.schools.services import closure_create

    link = child_link_create(caisse=cde11, child_a=ca, child_b=cb)
    closure = closure_create(caisse=cde11, first_day=D(2026, 9, 9), last_day=D(2026, 9, 9), reason="Grève")
    period = BillingPeriod.objects.create(
        caisse=cde11, school_year=year_2026, label="Sep", start_date=D(2026, 9, 1), end_date=D(2026, 10, 31)
    )
    entry = year_2026.calendar_entries.first()
    user = request.getfixturevalue(visitor)
    client.force_login(user)
    urls = [
        curl(cde11, "backoffice:enrollment_detail", enrollment_uuid=enrollment.uuid),
        curl(cde11, "backoffice:rhythm_change_decide", change_uuid=change.uuid),
        curl(cde11, "backoffice:custody_weeks", link_uuid=link.uuid),
        curl(cde11, "backoffice:closure_delete", closure_uuid=closure.uuid),
        curl(cde11, "backoffice:school_edit", school_uuid=keller.uuid),
        curl(cde11, "backoffice:school_year_detail", year_uuid=year_2026.uuid),
        curl(cde11, "backoffice:calendar_entry_edit", year_uuid=year_2026.uuid, entry_uuid=entry.uuid),
        curl(cde11, "backoffice:billing_period_edit", period_uuid=period.uuid),
    ]
    if visitor == "manager_cde19":
        # Through their own Caisse's addresses: the objects of cde11 are not found either.
        urls += [url.replace("/cde11/", "/cde19/", 1) for url in urls]
    post_only = ("changements-de-rythme", "supprimer")
    for url in urls:
        for method in ("post",) if any(part in url for part in post_only) else ("get", "post"):
            assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
    assert ChildLink.objects.count() == 1 and Closure.objects.count() == 1
    change.refresh_from_db()
    assert change.state == RhythmChangeState.PENDING
    assert ChildFactory  # factories stay importable for other tests


def test_an_agent_opens_the_custody_calendar_the_parent_joined(
    client, curl, cde11, agent_cde11, agent_cde19, keller, year_2026, family_a
):
    from refectoire.core.uploads import PDF_ONLY
    from refectoire.documents.enums import DocumentKind
    from refectoire.documents.services import document_store
    from tests.enrollment.conftest import pdf_bytes

    household, child = family_a
    document = document_store(
        caisse=cde11,
        household=household,
        uploaded_file=SimpleUploadedFile("garde.pdf", pdf_bytes()),
        kind=DocumentKind.CUSTODY_CALENDAR,
        allowed=PDF_ONLY,
    )
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=year_2026, weekdays="1",
        custody=Custody.CALENDAR, custody_document=document,
    )  # fmt: skip
    url = curl(cde11, "backoffice:enrollment_custody_document", enrollment_uuid=enrollment.uuid)
    client.force_login(agent_cde11)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(agent_cde19)
    assert client.get(url).status_code == 404
