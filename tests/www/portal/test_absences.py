"""The parent's absences: "Signaler une absence" (check, then confirm), the planning, "Mes absences",
cancelling; and the others (another family, another Caisse) get nothing."""

import datetime

import pytest
from django.utils import timezone

from refectoire.enrollment.absences import absence_create, absence_rules_ensure, absence_rules_update
from refectoire.enrollment.enums import AbsenceState, DayStatus
from refectoire.enrollment.models import Absence, AbsenceReason
from refectoire.enrollment.selectors import day_statuses
from refectoire.enrollment.services import enrollment_create
from tests.enrollment import conftest as enrollment_fixtures
from tests.enrollment.conftest import open_school_year
from tests.enrollment.factories import family

# The fixtures of tests/enrollment/conftest.py, which this screen test shares.
current_year = enrollment_fixtures.current_year
keller = enrollment_fixtures.keller

pytestmark = pytest.mark.django_db


def next_meal_days(enrollment, *, after, count=1):
    """The first `count` meal days of `enrollment` from `after`."""
    statuses = day_statuses(
        caisse=enrollment.caisse,
        household=enrollment.household,
        child=enrollment.child,
        start=after,
        end=after + datetime.timedelta(days=120),
    )
    return [day for day, status in sorted(statuses.items()) if status == DayStatus.SERVED][:count]


@pytest.fixture
def enrolled_a(cde11, parent_a, current_year, keller):
    absence_rules_ensure(caisse=cde11)
    household, (child,) = family(cde11, parent_a)
    return enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12345"
    )


@pytest.fixture
def enrolled_b(cde11, parent_b, current_year, keller):
    household, (child,) = family(cde11, parent_b)
    return enrollment_create(
        household=household, child=child, school=keller, school_year=current_year, weekdays="12345"
    )


def form_data(enrollment, first, last, label="Convenance personnelle", **extra):
    reason = AbsenceReason.objects.get(caisse=enrollment.caisse, label=label)
    return {
        "enrollment": str(enrollment.uuid),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "reason": str(reason.uuid),
        "comment": "",
        **extra,
    }


def test_the_form_offers_only_the_households_current_enrollments_and_states_the_rule(
    client, curl, cde11, parent_a, enrolled_a, enrolled_b
):
    household = enrolled_a.household
    from tests.enrollment.factories import ChildFactory

    ChildFactory(household=household, first_name="Zélie")  # not enrolled
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:absence_create")).content.decode()
    assert enrolled_a.child.first_name in page
    assert enrolled_b.child.first_name not in page and "Zélie" not in page
    assert "au plus tard le jour ouvré qui précède le premier jour d&#x27;absence, avant 12 h" in page


def test_checking_shows_the_meals_covered_and_the_notice_then_confirming_declares(
    client, curl, cde11, parent_a, enrolled_a
):
    (first,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=7))
    client.force_login(parent_a)
    url = curl(cde11, "portal:absence_create")
    page = client.post(url, form_data(enrolled_a, first, first)).content.decode()
    assert "Cette absence couvre 1 repas prévu." in page
    assert "Délai de prévenance respecté" in page and "acceptée automatiquement" in page
    assert not Absence.objects.exists()
    response = client.post(url, form_data(enrolled_a, first, first, confirm="1"))
    assert response.status_code == 302 and response["Location"] == curl(cde11, "portal:absence_list")
    absence = Absence.objects.get()
    assert absence.state == AbsenceState.ACCEPTED and absence.declared_by == parent_a
    listing = client.get(response["Location"]).content.decode()
    assert "Acceptée automatiquement" in listing and "Annuler" in listing
    planning = client.get(
        curl(cde11, "portal:planning", enrollment_uuid=enrolled_a.uuid), {"mois": first.strftime("%Y-%m")}
    ).content.decode()
    assert "Absence acceptée" in planning and "Signaler une absence" in planning


def test_a_late_illness_points_to_the_refund_request(client, curl, cde11, parent_a, enrolled_a):
    absence_rules_update(caisse=cde11, notice_days=20, notice_time=datetime.time(12, 0))
    (day,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=1))
    client.force_login(parent_a)
    page = client.post(
        curl(cde11, "portal:absence_create"), form_data(enrolled_a, day, day, "Maladie")
    ).content.decode()
    assert "Délai de prévenance dépassé" in page
    assert curl(cde11, "portal:request_create", kind_slug="remboursement-maladie") in page
    assert "attendra la décision de la Caisse des écoles" in page
    client.post(curl(cde11, "portal:absence_create"), form_data(enrolled_a, day, day, "Maladie", confirm="1"))
    absence = Absence.objects.get()
    assert absence.state == AbsenceState.PENDING and not absence.notice_kept
    planning = client.get(
        curl(cde11, "portal:planning", enrollment_uuid=enrolled_a.uuid), {"mois": day.strftime("%Y-%m")}
    ).content.decode()
    assert "Absence signalée" in planning
    assert "En attente" in client.get(curl(cde11, "portal:absence_list")).content.decode()


def test_an_overlap_is_refused_with_a_clear_message_and_the_values_kept(
    client, curl, cde11, parent_a, enrolled_a
):
    (day,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=7))
    absence_create(household=enrolled_a.household, child=enrolled_a.child, first_day=day, last_day=day)
    client.force_login(parent_a)
    page = client.post(
        curl(cde11, "portal:absence_create"),
        form_data(enrolled_a, day, day, comment="Chez la grand-mère", confirm="1"),
    ).content.decode()
    assert "est déjà signalée du" in page and "Chez la grand-mère" in page
    assert Absence.objects.count() == 1


def test_days_outside_the_enrollment_are_refused(client, curl, cde11, parent_a, enrolled_a, current_year):
    client.force_login(parent_a)
    after = current_year.last_day + datetime.timedelta(days=3)
    page = client.post(
        curl(cde11, "portal:absence_create"), form_data(enrolled_a, after, after, confirm="1")
    ).content.decode()
    assert "pas inscrit à la cantine" in page and not Absence.objects.exists()


def test_the_parent_cancels_an_absence_not_started_yet(client, curl, cde11, parent_a, enrolled_a):
    (day,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=7))
    absence = absence_create(
        household=enrolled_a.household, child=enrolled_a.child, first_day=day, last_day=day
    )
    client.force_login(parent_a)
    response = client.post(curl(cde11, "portal:absence_cancel", absence_uuid=absence.uuid))
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.state == AbsenceState.CANCELLED


def test_an_absence_already_started_cannot_be_cancelled(client, curl, cde11, parent_a, enrolled_a):
    today = timezone.localdate()
    absence = Absence.objects.create(
        household=enrolled_a.household, child=enrolled_a.child, first_day=today, last_day=today,
        state=AbsenceState.ACCEPTED,
    )  # fmt: skip
    client.force_login(parent_a)
    assert "Annuler" not in client.get(curl(cde11, "portal:absence_list")).content.decode()
    client.post(curl(cde11, "portal:absence_cancel", absence_uuid=absence.uuid), follow=True)
    absence.refresh_from_db()
    assert absence.state == AbsenceState.ACCEPTED


def test_another_family_can_neither_declare_for_nor_see_nor_cancel_an_absence(
    client, curl, cde11, parent_b, enrolled_a, enrolled_b
):
    (day,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=7))
    absence = absence_create(
        household=enrolled_a.household, child=enrolled_a.child, first_day=day, last_day=day
    )
    client.force_login(parent_b)
    assert enrolled_a.child.first_name not in client.get(curl(cde11, "portal:absence_list")).content.decode()
    response = client.post(curl(cde11, "portal:absence_cancel", absence_uuid=absence.uuid))
    assert response.status_code == 404
    page = client.post(
        curl(cde11, "portal:absence_create"), form_data(enrolled_a, day, day, confirm="1")
    ).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert Absence.objects.count() == 1 and Absence.objects.get().state == AbsenceState.ACCEPTED


def test_another_caisse_gets_404(client, curl, cde11, cde19, parent_a, enrolled_a):
    (day,) = next_meal_days(enrolled_a, after=timezone.localdate() + datetime.timedelta(days=7))
    absence = absence_create(
        household=enrolled_a.household, child=enrolled_a.child, first_day=day, last_day=day
    )
    open_school_year(cde19)
    client.force_login(parent_a)
    assert client.get(curl(cde19, "portal:absence_list")).status_code == 404
    assert client.get(curl(cde19, "portal:absence_create")).status_code == 404
    assert client.post(curl(cde19, "portal:absence_cancel", absence_uuid=absence.uuid)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, curl, cde11):
    for name in ("portal:absence_list", "portal:absence_create"):
        assert client.get(curl(cde11, name)).status_code == 302
