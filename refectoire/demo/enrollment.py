"""Demo: the children of the demo's validated households enrolled for 2026-2027 (skipped quietly when
the households demo did not create them), but for Sacha Moreau, not yet enrolled. Léo and Maya Moreau
live in both their parents' households: linked, with the custody calendar (even weeks at Inès's,
odd weeks at Patrick's). Inès Moreau asked to change Léo's weekdays: waiting for an agent."""

import datetime

from refectoire.caisses.models import Caisse
from refectoire.demo.households import NOT_YET_ENROLLED
from refectoire.enrollment.absences import absence_rules_ensure
from refectoire.enrollment.enums import Custody
from refectoire.enrollment.models import Enrollment, RhythmChange
from refectoire.enrollment.services import (
    child_link_create,
    custody_weeks_set,
    enrollment_create,
    linked_child,
    monday_of,
    rhythm_change_request,
)
from refectoire.households.models import Child, Household

# Children of the demo by first name: (school code, weekdays, custody); others get the first school.
PLANS = {
    "cde11": ("0750011B", "12345"),
    "cde19": ("0750019B", "1245"),
}
# The two households of the same children (shared custody with the custody calendar).
SHARED_CUSTODY = {"cde19": ("P19-INESM", "P19-PATRM")}
# (caisse, username, child, new weekdays, reason)
RHYTHM_CHANGE = ("cde19", "P19-INESM", "Léo", "124", "Le vendredi, Léo déjeune chez sa grand-mère.")


def _household(caisse, username):
    return Household.objects.filter(caisse=caisse, guardians__user__username=username).first()


def _shared_children(caisse) -> set:
    usernames = SHARED_CUSTODY.get(caisse.slug)
    households = [_household(caisse, username) for username in usernames or ()]
    if not usernames or None in households:
        return set()
    first, second = (set(h.children.values_list("first_name", flat=True)) for h in households)
    return {(household.pk, name) for household in households for name in first & second}


def _link_shared_children(caisse, year):
    """Link Léo and Maya of both households; even weeks at the first household's, odd at the second's."""
    usernames = SHARED_CUSTODY.get(caisse.slug)
    households = [_household(caisse, username) for username in usernames or ()]
    if not usernames or None in households:
        return 0
    mondays = []
    monday = monday_of(year.first_day)
    while monday <= year.last_day:
        mondays.append(monday)
        monday += datetime.timedelta(weeks=1)
    count = 0
    for child in households[0].children.all():
        other = households[1].children.filter(first_name=child.first_name).first()
        if other is None or linked_child(child)[0] is not None:
            continue
        custodies = set(
            Enrollment.objects.filter(child__in=[child, other], school_year=year).values_list(
                "custody", flat=True
            )
        )
        if custodies != {Custody.CALENDAR}:
            continue  # enrolled before the demo had shared custody: left alone
        link = child_link_create(caisse=caisse, child_a=child, child_b=other)
        weeks = {day: households[day.isocalendar().week % 2] for day in mondays}
        custody_weeks_set(link=link, weeks=weeks)
        count += 1
    return count


def _rhythm_change(caisse, year):
    slug, username, first_name, weekdays, reason = RHYTHM_CHANGE
    if caisse.slug != slug:
        return
    enrollment = Enrollment.objects.filter(
        household=_household(caisse, username), child__first_name=first_name, school_year=year
    ).first()
    if enrollment is None or RhythmChange.objects.filter(enrollment=enrollment).exists():
        return
    user = enrollment.household.guardians.filter(user__username=username).first().user
    rhythm_change_request(enrollment=enrollment, weekdays=weekdays, requested_by=user, reason=reason)


def seed(*, stdout):
    count = 0
    for slug, (school_code, weekdays) in PLANS.items():
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        # The absence rules: the working day before, noon; the default reasons (Paris-like).
        absence_rules_ensure(caisse=caisse)
        school = caisse.schools.filter(code=school_code).first()
        year = caisse.school_years.filter(label="2026-2027").first()
        if school is None or year is None:
            continue
        # The children of primary-school age (one goes to collège the year one turns 11): the
        # former families of the privacy step, whose children have left, are not enrolled.
        children = Child.objects.filter(
            household__caisse=caisse,
            household__state="validated",
            birth_date__year__gte=year.first_day.year - 11,
        ).select_related("household")
        shared = _shared_children(caisse)
        username, not_yet = NOT_YET_ENROLLED
        for child in children:
            if Enrollment.objects.filter(household=child.household, child=child, school_year=year).exists():
                continue
            if (
                child.first_name == not_yet["first_name"]
                and child.household.guardians.filter(user__username=username).exists()
            ):
                continue
            enrollment_create(
                household=child.household,
                child=child,
                school=school,
                school_year=year,
                weekdays=weekdays,
                custody=Custody.CALENDAR
                if (child.household_id, child.first_name) in shared
                else Custody.FULL,
            )
            count += 1
        links = _link_shared_children(caisse, year)
        if links:
            stdout.write(f"  /{slug}/  garde alternée : {links} enfant(s) lié(s) dans deux foyers")
        _rhythm_change(caisse, year)
    stdout.write(f"  {count} inscription(s) 2026-2027 créée(s)")
