"""The rules of an absence: the notice, the reasons accepted at once, overlaps, the enrollment's
days, the other guardian's weeks, cancelling, and the agents' decisions."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.enrollment.absences import (
    absence_accept,
    absence_cancel,
    absence_create,
    absence_create_for_group,
    absence_declare,
    absence_refuse,
    absence_rules_ensure,
    absence_rules_update,
)
from refectoire.enrollment.enums import AbsenceState, Custody, DayStatus
from refectoire.enrollment.models import AbsenceReason
from refectoire.enrollment.selectors import day_status, meal_days, notice_deadline
from refectoire.enrollment.services import child_link_create, enrollment_cancel, enrollment_create
from tests.enrollment.factories import family

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day, hour, minute=0, second=0):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute, second))


@pytest.fixture
def rules(cde11):
    return absence_rules_ensure(caisse=cde11)


def reason(caisse, label):
    return AbsenceReason.objects.get(caisse=caisse, label=label)


@pytest.fixture
def enrolled(cde11, year_2026, keller, family_a, rules):
    household, child = family_a
    enrollment = enrollment_create(
        household=household, child=child, school=keller, school_year=year_2026, weekdays="12345"
    )
    return household, child, enrollment


def declare(household, child, first, last, label="Convenance personnelle", now=None, **kwargs):
    return absence_declare(
        household=household,
        child=child,
        first_day=first,
        last_day=last,
        reason=reason(household.caisse, label),
        now=now or at(D(2026, 9, 1), 9),
        **kwargs,
    )


def test_the_defaults_are_the_working_day_before_at_noon_and_four_reasons(cde11, rules):
    assert (rules.notice_days, rules.notice_time) == (1, datetime.time(12, 0))
    labels = {r.label: (r.auto_accept, r.is_illness) for r in AbsenceReason.objects.for_caisse(cde11)}
    assert labels == {
        "Maladie": (True, True),
        "Convenance personnelle": (True, False),
        "Sortie scolaire / classe de découverte": (False, False),
        "Autre": (False, False),
    }


def test_declared_before_noon_the_working_day_before_it_is_accepted_at_once(enrolled):
    household, child, _ = enrolled
    # Monday 14 September: the working day before is Friday 11, noon.
    absence = declare(household, child, D(2026, 9, 14), D(2026, 9, 15), now=at(D(2026, 9, 11), 11, 59, 59))
    assert absence.state == AbsenceState.ACCEPTED and absence.auto_accepted and absence.notice_kept
    assert absence.meal_count == 2
    assert [e.action for e in absence.events.all()] == ["declared", "auto_accepted"]
    assert absence.state_label == "Acceptée automatiquement"
    assert D(2026, 9, 14) not in meal_days(
        caisse=household.caisse, start=D(2026, 9, 14), end=D(2026, 9, 15), household_ids=[household.pk]
    ).get((household.pk, child.pk), [])


def test_declared_at_noon_the_working_day_before_it_waits_for_an_agent(enrolled):
    household, child, _ = enrolled
    absence = declare(household, child, D(2026, 9, 14), D(2026, 9, 14), now=at(D(2026, 9, 11), 12, 0, 0))
    assert absence.state == AbsenceState.PENDING and not absence.notice_kept and not absence.auto_accepted
    # Waiting: still a meal day, shown as "absence signalée".
    assert day_status(caisse=household.caisse, household=household, child=child, day=D(2026, 9, 14)) == (
        DayStatus.ABSENCE_PENDING
    )
    assert meal_days(
        caisse=household.caisse, start=D(2026, 9, 14), end=D(2026, 9, 14), household_ids=[household.pk]
    ) == {(household.pk, child.pk): [D(2026, 9, 14)]}


def test_a_public_holiday_is_not_a_working_day_of_the_notice(cde11, enrolled):
    household, child, _ = enrolled
    # Thursday 12 November 2026: Wednesday 11 is a public holiday, the deadline is Tuesday 10 at noon.
    assert notice_deadline(caisse=cde11, first_day=D(2026, 11, 12)) == at(D(2026, 11, 10), 12)
    late = declare(household, child, D(2026, 11, 12), D(2026, 11, 12), now=at(D(2026, 11, 11), 9))
    assert late.state == AbsenceState.PENDING
    absence_cancel(absence=late, actor=None, today=D(2026, 11, 11))
    kept = declare(household, child, D(2026, 11, 12), D(2026, 11, 12), now=at(D(2026, 11, 10), 11))
    assert kept.state == AbsenceState.ACCEPTED


def test_the_manager_sets_the_notice_in_working_days(cde11, enrolled):
    household, child, _ = enrolled
    absence_rules_update(caisse=cde11, notice_days=2, notice_time=datetime.time(10, 0))
    # Wednesday 16 September: two working days before is Monday 14, 10:00.
    assert notice_deadline(caisse=cde11, first_day=D(2026, 9, 16)) == at(D(2026, 9, 14), 10)
    assert declare(
        household, child, D(2026, 9, 16), D(2026, 9, 16), now=at(D(2026, 9, 14), 9, 59)
    ).notice_kept
    assert not declare(
        household, child, D(2026, 9, 17), D(2026, 9, 17), now=at(D(2026, 9, 15), 10)
    ).notice_kept


def test_a_reason_not_accepted_automatically_waits_even_in_time(enrolled):
    household, child, _ = enrolled
    absence = declare(
        household, child, D(2026, 9, 21), D(2026, 9, 21), label="Sortie scolaire / classe de découverte"
    )
    assert absence.notice_kept and absence.state == AbsenceState.PENDING


def test_a_manager_may_make_a_reason_accepted_automatically(cde11, enrolled):
    household, child, _ = enrolled
    AbsenceReason.objects.filter(caisse=cde11, label="Autre").update(auto_accept=True)
    assert (
        declare(household, child, D(2026, 9, 21), D(2026, 9, 21), label="Autre").state
        == AbsenceState.ACCEPTED
    )


def test_a_reason_of_another_caisse_or_withdrawn_is_refused(cde11, cde19, enrolled):
    household, child, _ = enrolled
    absence_rules_ensure(caisse=cde19)
    with pytest.raises(ValidationError, match="motifs de la liste"):
        absence_declare(
            household=household,
            child=child,
            first_day=D(2026, 9, 21),
            last_day=D(2026, 9, 21),
            reason=reason(cde19, "Autre"),
            now=at(D(2026, 9, 1), 9),
        )
    AbsenceReason.objects.filter(caisse=cde11, label="Autre").update(is_active=False)
    with pytest.raises(ValidationError, match="motifs de la liste"):
        declare(household, child, D(2026, 9, 21), D(2026, 9, 21), label="Autre")


def test_overlapping_absences_of_the_same_child_are_refused(enrolled):
    household, child, _ = enrolled
    first = declare(household, child, D(2026, 9, 21), D(2026, 9, 23))
    with pytest.raises(ValidationError, match="déjà signalée du 21/09/2026 au 23/09/2026"):
        declare(household, child, D(2026, 9, 23), D(2026, 9, 25))
    absence_cancel(absence=first, actor=None, today=D(2026, 9, 1))
    assert declare(household, child, D(2026, 9, 23), D(2026, 9, 25)).state == AbsenceState.ACCEPTED


def test_a_refused_absence_does_not_block_a_new_one(enrolled, agent_cde11):
    household, child, _ = enrolled
    refused = declare(household, child, D(2026, 9, 21), D(2026, 9, 21), label="Autre")
    absence_refuse(absence=refused, actor=agent_cde11, message="Pas de justificatif.")
    assert declare(household, child, D(2026, 9, 21), D(2026, 9, 21)).state == AbsenceState.ACCEPTED


def test_days_outside_the_enrollment_are_refused(enrolled):
    household, child, enrollment = enrolled
    enrollment_cancel(enrollment=enrollment, last_day=D(2026, 9, 30))
    with pytest.raises(ValidationError, match="pas inscrit à la cantine le 01/10/2026"):
        declare(household, child, D(2026, 9, 28), D(2026, 10, 2))
    assert declare(household, child, D(2026, 9, 28), D(2026, 9, 30)).meal_count == 3


def test_a_child_of_another_household_is_refused(cde11, enrolled, family_b):
    household, _child, _ = enrolled
    _other_household, other_child = family_b
    with pytest.raises(ValidationError, match="pas dans ce foyer"):
        declare(household, other_child, D(2026, 9, 21), D(2026, 9, 21))


def test_days_without_any_meal_are_refused(enrolled):
    household, child, _ = enrolled
    with pytest.raises(ValidationError, match="Aucun repas n'est prévu"):
        declare(household, child, D(2026, 9, 19), D(2026, 9, 20))  # a weekend


def test_the_other_guardians_week_is_theirs_to_declare(cde11, year_2026, keller, family_a, family_b, rules):
    household_a, child_a = family_a
    household_b, child_b = family_b
    enrollment_create(
        household=household_a, child=child_a, school=keller, school_year=year_2026, weekdays="12345",
        custody=Custody.EVEN,
    )  # fmt: skip
    enrollment_create(
        household=household_b, child=child_b, school=keller, school_year=year_2026, weekdays="12345",
        custody=Custody.ODD,
    )  # fmt: skip
    child_link_create(caisse=cde11, child_a=child_a, child_b=child_b)
    # ISO week 39 (21–25 September 2026) is odd: household B's.
    with pytest.raises(ValidationError, match="l'autre responsable"):
        declare(household_a, child_a, D(2026, 9, 21), D(2026, 9, 25))
    assert declare(household_b, child_b, D(2026, 9, 21), D(2026, 9, 25)).meal_count == 5
    # Across both weeks: only household A's days count.
    assert declare(household_a, child_a, D(2026, 9, 25), D(2026, 9, 30)).meal_count == 3


def test_a_past_first_day_is_refused_to_parents(enrolled):
    household, child, _ = enrolled
    with pytest.raises(ValidationError, match="premier jour est passé"):
        declare(household, child, D(2026, 9, 14), D(2026, 9, 14), now=at(D(2026, 9, 15), 9))


def test_an_absence_can_be_cancelled_until_the_day_before_it_starts(enrolled, parent_a):
    household, child, _ = enrolled
    absence = declare(household, child, D(2026, 9, 21), D(2026, 9, 22))
    with pytest.raises(ValidationError, match="a commencé le 21/09/2026"):
        absence_cancel(absence=absence, actor=parent_a, today=D(2026, 9, 21))
    cancelled = absence_cancel(absence=absence, actor=parent_a, today=D(2026, 9, 20))
    assert cancelled.state == AbsenceState.CANCELLED
    assert cancelled.events.last().actor == parent_a
    with pytest.raises(ValidationError, match="Annulée"):
        absence_cancel(absence=cancelled, actor=parent_a, today=D(2026, 9, 1))


def test_an_agent_accepts_a_waiting_absence_and_the_guardians_get_an_email(
    enrolled, agent_cde11, django_capture_on_commit_callbacks
):
    household, child, _ = enrolled
    absence = declare(household, child, D(2026, 9, 21), D(2026, 9, 21), label="Autre")
    with django_capture_on_commit_callbacks(execute=True):
        absence = absence_accept(absence=absence, actor=agent_cde11, message="Vu avec l'école.")
    assert absence.state == AbsenceState.ACCEPTED and absence.decided_by == agent_cde11
    assert not absence.auto_accepted and absence.state_label == "Acceptée"
    assert [e.to_state for e in absence.events.all()] == [AbsenceState.PENDING, AbsenceState.ACCEPTED]
    assert len(mail.outbox) == 1 and "Absence acceptée" in mail.outbox[0].subject
    assert "Vu avec l'école." in mail.outbox[0].body and "/cde11/mon-espace/absences/" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        absence_refuse(absence=absence, actor=agent_cde11, message="Trop tard.")


def test_a_refusal_needs_a_reason_and_keeps_the_meals(
    cde11, enrolled, agent_cde11, django_capture_on_commit_callbacks
):
    household, child, _ = enrolled
    absence = declare(household, child, D(2026, 9, 21), D(2026, 9, 21), label="Autre")
    with pytest.raises(ValidationError, match="motif du refus"):
        absence_refuse(absence=absence, actor=agent_cde11, message=" ")
    with django_capture_on_commit_callbacks(execute=True):
        absence_refuse(absence=absence, actor=agent_cde11, message="Hors délai.")
    absence.refresh_from_db()
    assert absence.state == AbsenceState.REFUSED and absence.decision_message == "Hors délai."
    assert "Absence refusée" in mail.outbox[0].subject
    assert (
        D(2026, 9, 21)
        in meal_days(caisse=cde11, start=D(2026, 9, 21), end=D(2026, 9, 21))[household.pk, child.pk]
    )
    assert absence.history.count() >= 2


def test_an_agent_records_a_class_trip_for_several_children(cde11, year_2026, keller, agent_cde11, rules):
    enrollments = []
    for _ in range(3):
        household, (child,) = family(cde11)
        enrollments.append(
            enrollment_create(
                household=household, child=child, school=keller, school_year=year_2026, weekdays="12345"
            )
        )
    absence_create(
        household=enrollments[2].household,
        child=enrollments[2].child,
        first_day=D(2026, 9, 22),
        last_day=D(2026, 9, 22),
    )
    made, skipped = absence_create_for_group(
        caisse=cde11,
        enrollments=enrollments,
        first_day=D(2026, 9, 21),
        last_day=D(2026, 9, 23),
        reason=reason(cde11, "Sortie scolaire / classe de découverte"),
        comment="Classe de découverte",
        actor=agent_cde11,
    )
    assert len(made) == 2 and all(a.state == AbsenceState.ACCEPTED and a.by_agent for a in made)
    assert [e for e, _why in skipped] == [enrollments[2]] and "déjà signalée" in skipped[0][1]
    served = meal_days(caisse=cde11, start=D(2026, 9, 21), end=D(2026, 9, 23))
    assert (enrollments[0].household_id, enrollments[0].child_id) not in served


def test_a_group_absence_refuses_an_enrollment_of_another_caisse(cde11, cde19, enrolled, agent_cde11):
    _household, _child, enrollment = enrolled
    with pytest.raises(ValidationError):
        absence_create_for_group(
            caisse=cde19, enrollments=[enrollment], first_day=D(2026, 9, 21), last_day=D(2026, 9, 21),
            actor=agent_cde11,
        )  # fmt: skip
