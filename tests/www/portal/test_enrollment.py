"""The parent's "Inscription", the form, the planning and its iCalendar feed."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from refectoire.enrollment.enums import Custody, EnrollmentState, RhythmChangeState
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_create, rhythm_change_request
from refectoire.households.enums import HouseholdState
from tests.enrollment import conftest as enrollment_fixtures
from tests.enrollment.conftest import pdf_bytes
from tests.enrollment.factories import family

# The fixtures of tests/enrollment/conftest.py, which this screen test shares.
belleville = enrollment_fixtures.belleville
current_year = enrollment_fixtures.current_year
keller = enrollment_fixtures.keller

pytestmark = pytest.mark.django_db


def form_url(curl, cde11, child, year):
    return curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=year.uuid)


def test_inscription_lists_one_line_per_child_with_its_state(client, curl, cde11, parent_a, current_year):
    household, (first, second) = family(cde11, parent_a, children=2)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:enrollment_list")).content.decode()
    assert page.count(f"Inscription scolaire rentrée {current_year.label}") == 2
    assert first.first_name in page and second.first_name in page
    assert "À remplir" in page


def test_a_household_not_yet_validated_cannot_enroll(client, curl, cde11, parent_a, current_year):
    household, (child,) = family(cde11, parent_a, state=HouseholdState.SUBMITTED)
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:enrollment_list")).content.decode()
    assert "Votre foyer n'est pas encore validé" in page
    assert client.get(form_url(curl, cde11, child, current_year)).status_code == 404


def test_enrolling_makes_the_enrollment_effective_at_once_and_sends_an_email(
    client, curl, cde11, parent_a, current_year, keller, django_capture_on_commit_callbacks
):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url(curl, cde11, child, current_year),
            {"school": keller.pk, "weekdays": ["1", "2", "4", "5"], "shared_custody": "non"},
        )
    enrollment = Enrollment.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == curl(cde11, "portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    assert enrollment.weekdays == "1245" and enrollment.custody == Custody.FULL
    assert enrollment.start_date == timezone.localdate() and enrollment.state == EnrollmentState.ACTIVE
    assert enrollment.events.get().action == "create"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [parent_a.email]
    assert "Lundi, Mardi, Jeudi, Vendredi" in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "est effective" in page and keller.name in page


def test_shared_custody_without_calendar_takes_the_chosen_weeks(
    client, curl, cde11, parent_a, current_year, keller
):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    client.post(
        form_url(curl, cde11, child, current_year),
        {"school": keller.pk, "weekdays": ["1", "2"], "shared_custody": "oui", "weeks": "odd"},
    )
    assert Enrollment.objects.get(child=child).custody == Custody.ODD


def test_shared_custody_with_a_pdf_calendar_stores_it(client, curl, cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    upload = SimpleUploadedFile("garde.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(
        form_url(curl, cde11, child, current_year),
        {"school": keller.pk, "weekdays": ["1"], "shared_custody": "oui", "custody_calendar": upload},
    )
    enrollment = Enrollment.objects.get(child=child)
    assert enrollment.custody == Custody.CALENDAR
    assert enrollment.custody_document.household == household


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"weekdays": ["1"], "shared_custody": "non"}, "Choisissez le lieu d'inscription de votre enfant."),
        ({"school": "KELLER", "shared_custody": "non"}, "Indiquez au moins un jour de présence."),
        (
            {"school": "BELLEVILLE", "weekdays": ["1", "3"], "shared_custody": "non"},
            "ne sert pas le mercredi",
        ),
        (
            {"school": "KELLER", "weekdays": ["1"], "shared_custody": "oui"},
            "Sans calendrier de garde, indiquez si votre foyer a les semaines paires ou impaires.",
        ),
        ({"school": "KELLER", "weekdays": ["1"], "shared_custody": "oui", "custody_calendar": "TEXT"}, "PDF"),
        (
            {"school": "KELLER", "weekdays": ["1"], "shared_custody": "oui", "custody_calendar": "BIG"},
            "10 Mo",
        ),
    ],
    ids=["no-school", "no-weekday", "weekday-not-served", "no-weeks", "not-a-pdf", "oversized"],
)
def test_bad_inputs_are_refused_with_their_message(
    client, curl, cde11, parent_a, current_year, keller, belleville, data, field_message
):
    household, (child,) = family(cde11, parent_a)
    data = dict(data)
    if data.get("school") == "KELLER":
        data["school"] = keller.pk
    if data.get("school") == "BELLEVILLE":
        data["school"] = belleville.pk
    if data.get("custody_calendar") == "TEXT":
        data["custody_calendar"] = SimpleUploadedFile(
            "garde.pdf", b"pas un pdf", content_type="application/pdf"
        )
    if data.get("custody_calendar") == "BIG":
        data["custody_calendar"] = SimpleUploadedFile(
            "garde.pdf", pdf_bytes() + b"0" * (10 * 1024 * 1024 + 1)
        )
    client.force_login(parent_a)
    response = client.post(form_url(curl, cde11, child, current_year), data)
    assert response.status_code == 200
    assert field_message in response.content.decode().replace("&#x27;", "'")
    assert not Enrollment.objects.exists()


def test_outside_the_campaign_the_form_says_when_it_opens(
    client, curl, cde11, parent_a, current_year, keller
):
    household, (child,) = family(cde11, parent_a)
    current_year.enrollment_opens_on = timezone.localdate() + datetime.timedelta(days=10)
    current_year.save()
    client.force_login(parent_a)
    url = form_url(curl, cde11, child, current_year)
    page = client.get(url).content.decode()
    assert f"ouvriront le {current_year.enrollment_opens_on:%d/%m/%Y}" in page
    client.post(url, {"school": keller.pk, "weekdays": ["1"], "shared_custody": "non"})
    assert not Enrollment.objects.exists()


def test_the_planning_shows_each_day_with_its_status_and_navigates_months(
    client, curl, cde11, parent_a, current_year, keller
):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12"
    )
    client.force_login(parent_a)
    url = curl(cde11, "portal:planning", enrollment_uuid=enrollment.uuid)
    page = client.get(url).content.decode()
    assert "Planning de l'enfant" in page
    assert "Pas un jour de l'enfant" in page.replace("&#x27;", "'")
    assert "Mois précédent" in page and "Mois suivant" in page
    first_month = current_year.first_day.strftime("%Y-%m")
    page = client.get(url, {"mois": first_month}).content.decode()
    assert "Mois précédent" not in page


def test_the_ics_feed_lists_the_meal_days_at_a_secret_address(
    client, curl, cde11, parent_a, current_year, keller
):
    from refectoire.enrollment.selectors import meal_days

    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="1"
    )
    response = client.get(curl(cde11, "portal:planning_feed", token=enrollment.feed_token))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    days = meal_days(caisse=cde11, start=enrollment.start_date, end=enrollment.end_date)[
        household.pk, child.pk
    ]
    assert body.count("BEGIN:VEVENT") == len(days) > 0
    assert f"DTSTART;VALUE=DATE:{days[0]:%Y%m%d}" in body
    assert client.get(curl(cde11, "portal:planning_feed", token="devine")).status_code == 404


def test_a_rhythm_change_request_waits_for_an_agent(client, curl, cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12345"
    )
    client.force_login(parent_a)
    response = client.post(
        curl(cde11, "portal:rhythm_change", enrollment_uuid=enrollment.uuid), {"weekdays": ["1", "4"]}
    )
    assert response.status_code == 302
    change = enrollment.rhythm_changes.get()
    assert change.state == RhythmChangeState.PENDING and change.weekdays == "14"


def test_cancelling_with_a_date(client, curl, cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12345"
    )
    client.force_login(parent_a)
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    client.post(
        curl(cde11, "portal:enrollment_cancel", enrollment_uuid=enrollment.uuid),
        {"last_day": last_day.isoformat()},
    )
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.CANCELLED and enrollment.end_date == last_day


@pytest.mark.parametrize("visitor", ["parent_b", "agent_cde19"])
def test_every_enrollment_page_of_a_family_is_a_404_for_another_family_or_caisse(
    client, curl, request, cde11, cde19, parent_a, current_year, keller, visitor
):
    household, (child,) = family(cde11, parent_a)
    other, _ = family(cde11, request.getfixturevalue("parent_b") if visitor == "parent_b" else None)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="1"
    )
    client.force_login(request.getfixturevalue(visitor))
    urls = [
        form_url(curl, cde11, child, current_year),
        curl(cde11, "portal:enrollment_done", enrollment_uuid=enrollment.uuid),
        curl(cde11, "portal:planning", enrollment_uuid=enrollment.uuid),
        curl(cde11, "portal:rhythm_change", enrollment_uuid=enrollment.uuid),
        curl(cde11, "portal:enrollment_cancel", enrollment_uuid=enrollment.uuid),
    ]
    for url in urls:
        for method in ("get", "post"):
            assert getattr(client, method)(url).status_code == 404, url


def test_a_parent_of_cde11_finds_nothing_through_cde19(
    client, curl, cde11, cde19, parent_a, current_year, keller
):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="1"
    )
    client.force_login(parent_a)
    assert client.get(curl(cde19, "portal:planning", enrollment_uuid=enrollment.uuid)).status_code == 404
    assert client.get(curl(cde19, "portal:planning_feed", token=enrollment.feed_token)).status_code == 404
    assert (
        client.get(curl(cde19, "portal:enrollment_done", enrollment_uuid=enrollment.uuid)).status_code == 404
    )


def test_the_enrollment_confirmation_shows_once_then_the_page_states_the_enrollment(
    client, curl, cde11, parent_a, current_year, keller
):
    household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    response = client.post(
        form_url(curl, cde11, child, current_year),
        {"school": keller.pk, "weekdays": ["1", "2"], "shared_custody": "non"},
    )
    first = client.get(response["Location"]).content.decode()
    assert "est effective. Un courriel de confirmation vous a été envoyé." in first
    again = client.get(response["Location"]).content.decode()
    assert "est effective" not in again and "courriel" not in again
    assert "Inscription effective" in again and keller.name in again


def test_a_waiting_rhythm_change_names_the_days(client, curl, cde11, parent_a, current_year, keller):
    household, (child,) = family(cde11, parent_a)
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12345"
    )
    rhythm_change_request(enrollment=enrollment, weekdays="12")
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:enrollment_done", enrollment_uuid=enrollment.uuid)).content.decode()
    assert "Changement de rythme (Lundi, Mardi) en attente de validation" in page
    assert "(12)" not in page
