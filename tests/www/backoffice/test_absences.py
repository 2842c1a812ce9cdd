"""The agents' absences: the queue on the home, filters, the decision with its e-mail, recording a
class trip, the manager's rules; the kitchen forecast and the attendance show accepted absences;
another Caisse gets 404, a plain agent gets 403 on the rules."""

import datetime

import pytest
from django.core import mail

from refectoire.enrollment.absences import absence_create, absence_rules_ensure
from refectoire.enrollment.enums import AbsenceState
from refectoire.enrollment.models import Absence, AbsenceReason, AbsenceRules
from refectoire.enrollment.services import enrollment_create
from tests.enrollment import conftest as enrollment_fixtures
from tests.enrollment.factories import family
from tests.schools.factories import SchoolFactory

# The fixtures of tests/enrollment/conftest.py, which this screen test shares.
family_a = enrollment_fixtures.family_a
keller = enrollment_fixtures.keller
year_2026 = enrollment_fixtures.year_2026

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def enrolled(cde11, keller, year_2026, family_a):
    absence_rules_ensure(caisse=cde11)
    household, child = family_a
    return enrollment_create(
        household=household, child=child, school=keller, school_year=year_2026, weekdays="12345"
    )


@pytest.fixture
def pending(enrolled):
    return absence_create(
        household=enrolled.household,
        child=enrolled.child,
        first_day=D(2026, 9, 21),
        last_day=D(2026, 9, 22),
        reason=AbsenceReason.objects.get(caisse=enrolled.caisse, label="Autre"),
        state=AbsenceState.PENDING,
    )


def test_the_home_counts_the_absences_to_decide(client, curl, cde11, agent_cde11, pending):
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:home")).content.decode()
    assert "Absences à décider" in page
    queues = {q["label"]: q["count"] for q in client.get(curl(cde11, "backoffice:home")).context["queues"]}
    assert queues["Absences à décider"] == 1


def test_the_queue_lists_waiting_absences_and_filters_by_school_and_dates(
    client, curl, cde11, agent_cde11, pending, year_2026
):
    zola = SchoolFactory(caisse=cde11, code="0750011Z", name="École Zola")
    h, (c,) = family(cde11)
    enrollment_create(household=h, child=c, school=zola, school_year=year_2026, weekdays="12345")
    other = absence_create(
        household=h, child=c, first_day=D(2026, 10, 5), last_day=D(2026, 10, 5), state=AbsenceState.PENDING
    )
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:absence_list")
    page = client.get(url).content.decode()
    assert pending.child.full_name in page and other.child.full_name in page
    page = client.get(url, {"school": "0751234A", "state": "pending"}).content.decode()
    assert pending.child.full_name in page and other.child.full_name not in page
    page = client.get(url, {"start": "2026-10-01", "end": "2026-10-31", "state": "pending"}).content.decode()
    assert pending.child.full_name not in page and other.child.full_name in page
    page = client.get(url, {"state": "accepted"}).content.decode()
    assert pending.child.full_name not in page


def test_an_agent_accepts_and_the_guardians_are_told(
    client, curl, cde11, agent_cde11, pending, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:absence_detail", absence_uuid=pending.uuid)
    assert "Accepter l'absence" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "accept", "message": ""})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == AbsenceState.ACCEPTED and pending.decided_by == agent_cde11
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [
        "allison@example.fr"
    ]  # the account holder's e-mail


def test_a_refusal_without_reason_is_refused_then_recorded_with_one(
    client, curl, cde11, agent_cde11, pending, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:absence_detail", absence_uuid=pending.uuid)
    page = client.post(url, {"decision": "refuse", "message": ""}).content.decode()
    assert "Indiquez le motif du refus." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "refuse", "message": "Signalée trop tard."})
    pending.refresh_from_db()
    assert pending.state == AbsenceState.REFUSED
    assert "Signalée trop tard." in mail.outbox[0].body
    assert "Signalée trop tard." in client.get(url).content.decode()


def test_an_agent_records_a_class_trip_by_ticking_children(
    client, curl, cde11, agent_cde11, enrolled, keller, year_2026
):
    h, (c,) = family(cde11)
    second = enrollment_create(household=h, child=c, school=keller, school_year=year_2026, weekdays="12345")
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:absence_record")
    data = {
        "school": keller.code,
        "first_day": "2026-09-21",
        "last_day": "2026-09-23",
        "reason": "",
        "comment": "Classe verte",
    }
    page = client.post(url, data).content.decode()
    assert enrolled.child.full_name in page and c.full_name in page and not Absence.objects.exists()
    response = client.post(
        url, {**data, "record": "1", "enrollments": [str(enrolled.uuid), str(second.uuid)]}
    )
    assert response.status_code == 302
    assert set(Absence.objects.values_list("child_id", "state", "by_agent")) == {
        (enrolled.child_id, AbsenceState.ACCEPTED, True),
        (c.pk, AbsenceState.ACCEPTED, True),
    }


def test_forecast_and_attendance_show_accepted_absences_as_not_expected(
    client, curl, cde11, agent_cde11, enrolled, keller
):
    absence_create(
        household=enrolled.household, child=enrolled.child, first_day=D(2026, 9, 21), last_day=D(2026, 9, 21)
    )
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:forecast"), {"school": keller.uuid, "day": "2026-09-21", "scope": "day"}
    ).content.decode()
    assert "0 repas prévu" in page and "Absences acceptées (non attendus)" in page
    assert enrolled.child.full_name in page
    page = client.get(
        curl(cde11, "backoffice:attendance"), {"school": keller.uuid, "day": "2026-09-21"}
    ).content.decode()
    assert "Absences acceptées : non attendus" in page and enrolled.child.full_name in page
    assert f'value="{enrolled.pk}"' not in page


def test_the_manager_edits_the_notice_and_the_reasons(client, curl, cde11, manager_cde11):
    absence_rules_ensure(caisse=cde11)
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:absence_rules")
    page = client.get(url).content.decode()
    assert "Convenance personnelle" in page
    reasons = list(AbsenceReason.objects.for_caisse(cde11))
    data = {
        "notice_days": "2",
        "notice_time": "10:00",
        "reasons-TOTAL_FORMS": str(len(reasons) + 1),
        "reasons-INITIAL_FORMS": str(len(reasons)),
    }
    for index, r in enumerate(reasons):
        data.update({
            f"reasons-{index}-uuid": str(r.uuid), f"reasons-{index}-label": r.label,
            f"reasons-{index}-position": str(r.position), f"reasons-{index}-is_active": "on",
        })  # fmt: skip
        if r.label == "Maladie":
            data[f"reasons-{index}-is_illness"] = "on"  # and no longer accepted automatically
    data[f"reasons-{len(reasons)}-label"] = "Grève des transports"
    data[f"reasons-{len(reasons)}-auto_accept"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    rules = AbsenceRules.objects.get(caisse=cde11)
    assert (rules.notice_days, rules.notice_time) == (2, datetime.time(10, 0))
    assert not AbsenceReason.objects.get(caisse=cde11, label="Maladie").auto_accept
    assert AbsenceReason.objects.get(caisse=cde11, label="Grève des transports").auto_accept
    assert (
        "au plus tard 2 jours ouvrés avant le premier jour d&#x27;absence, avant 10 h"
        in client.get(url).content.decode()
    )


def test_a_plain_agent_cannot_edit_the_rules(client, curl, cde11, agent_cde11):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:absence_rules")).status_code == 403


def test_another_caisse_and_parents_get_404(
    client, curl, cde11, agent_cde19, manager_cde19, parent_a, pending
):
    urls = [
        curl(cde11, "backoffice:absence_list"),
        curl(cde11, "backoffice:absence_record"),
        curl(cde11, "backoffice:absence_rules"),
        curl(cde11, "backoffice:absence_detail", absence_uuid=pending.uuid),
    ]
    for user in (agent_cde19, manager_cde19, parent_a):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[3], {"decision": "accept"}).status_code == 404
    # An agent of cde19 in its own back office does not reach cde11's absence either.
    client.force_login(agent_cde19)
    from refectoire.caisses.models import Caisse

    cde19 = Caisse.objects.get(slug="cde19")
    assert client.get(curl(cde19, "backoffice:absence_detail", absence_uuid=pending.uuid)).status_code == 404
    assert pending.household.caisse == cde11
    pending.refresh_from_db()
    assert pending.state == AbsenceState.PENDING
