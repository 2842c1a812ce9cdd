import io

import pytest
from django.core.management import call_command

from refectoire.enrollment.enums import Custody, RhythmChangeState
from refectoire.enrollment.models import ChildLink, CustodyWeek, Enrollment, RhythmChange
from refectoire.households.models import Child

pytestmark = pytest.mark.django_db


def _counts():
    return [model.objects.count() for model in (Child, Enrollment, ChildLink, CustodyWeek, RhythmChange)]


def test_the_demo_has_shared_custody_a_waiting_rhythm_change_and_a_child_to_enroll_and_runs_twice_unchanged():
    call_command("seed_demo", stdout=io.StringIO())
    counts = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == counts

    # Léo and Maya Moreau, in both their parents' households, with the custody calendar.
    links = ChildLink.objects.select_related("child_a__household", "child_b__household")
    assert sorted(link.child_a.first_name for link in links) == ["Léo", "Maya"]
    for link in links:
        households = {link.child_a.household, link.child_b.household}
        assert {h.guardians.get(role="primary").user.username for h in households} == {
            "P19-INESM",
            "P19-PATRM",
        }
        assert set(
            Enrollment.objects.filter(child__in=[link.child_a, link.child_b]).values_list(
                "custody", flat=True
            )
        ) == {Custody.CALENDAR}
        weeks = list(link.weeks.order_by("monday"))
        assert len(weeks) > 40 and weeks[0].household_id != weeks[1].household_id

    change = RhythmChange.objects.get()
    assert change.state == RhythmChangeState.PENDING and change.weekdays == "124"
    assert change.enrollment.child.first_name == "Léo" and change.enrollment.caisse.slug == "cde19"
    assert change.enrollment.household.guardians.filter(user__username="P19-INESM").exists()

    sacha = Child.objects.get(first_name="Sacha")
    assert sacha.household.guardians.filter(user__username="P19-INESM").exists()
    assert not Enrollment.objects.filter(child=sacha).exists()
    assert Enrollment.objects.filter(child__household=sacha.household).count() == 2
