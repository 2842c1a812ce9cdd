"""The rule of a meal day, computed set-wise.

A day is a meal day of a child in a household when:
- it is a school day of the Caisse's calendar for the child's school: inside a school year, not a
  weekend, a weekday the school's canteen serves, not a school holiday, not a public holiday, not a
  closure of that school or of the whole Caisse;
- the child's enrollment in that household is active that day (start_date ≤ day ≤ end_date);
- the weekday is in the weekdays in force that day (validated rhythm changes apply from their start);
- the custody gives the day to this household (full; even or odd ISO weeks; the calendar's weeks);
- no accepted absence covers it (a waiting absence shows on the planning but is still a meal day;
  an absence accepted after its billing period was invoiced leaves the invoiced days billed).

Everything is computed over a window [start, end] with integers used as bit sets (bit i is the day
start + i): the calendar once per school, the weekdays as masks, a handful of queries whatever the
number of children. `meal_days` (billing, forecasts) and `day_statuses` (the planning) read the same
components, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import DateField, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refectoire.core.lookups import Ids
from refectoire.enrollment.enums import (
    AbsenceState,
    Custody,
    DayStatus,
    EnrollmentState,
    PaiKind,
    PaiState,
    RhythmChangeState,
)
from refectoire.enrollment.models import (
    Absence,
    AbsenceReason,
    AbsenceRules,
    ChildLink,
    CustodyWeek,
    Enrollment,
    MealOption,
    MealOptionChoice,
    Pai,
    RhythmChange,
)
from refectoire.schools.calendar import ONE_DAY, CalendarBits, Window
from refectoire.schools.enums import CalendarKind
from refectoire.schools.models import BillingPeriod, CalendarEntry


@dataclass
class EnrollmentBits:
    """One enrollment's components over the window; `served` is their conjunction."""

    enrollment_id: int
    household_id: int
    child_id: int
    school_id: int
    active: int
    weekdays: int
    custody: int
    absence: int
    school_days: int
    pending: int = 0
    # The days whose custody is known: every day, but in shared custody by calendar only the weeks
    # the calendar gives to one of the two households (the others wait for the calendar).
    custody_known: int = -1

    @property
    def served(self) -> int:
        return self.school_days & self.active & self.weekdays & self.custody & ~self.absence


def _issued_periods(*, caisse, start, end) -> list[tuple]:
    """(issued_at, first day, last day) of the billing periods overlapping [start, end] whose
    invoices are issued."""
    return list(
        BillingPeriod.objects.filter(caisse=caisse, start_date__lte=end, end_date__gte=start)
        .issued()
        .filter(issued_at__isnull=False)
        .values_list("issued_at", "start_date", "end_date")
    )


def _rhythm_changes(*, caisse, end):
    """The validated rhythm changes of `caisse` begun by `end` (each applies from its first day)."""
    return RhythmChange.objects.filter(
        enrollment__caisse=caisse, state=RhythmChangeState.VALIDATED, starts_on__lte=end
    )


def _absences(*, caisse, start, end):
    """The absences of `caisse` over [start, end] that bear on its meal days: accepted (no meal) or
    waiting (shown on the planning)."""
    return Absence.objects.filter(
        household__caisse=caisse,
        state__in=[AbsenceState.ACCEPTED, AbsenceState.PENDING],
        first_day__lte=end,
        last_day__gte=start,
    )


def with_meal_flags(enrollments, *, caisse, start: datetime.date, end: datetime.date):
    """`enrollments` (a queryset) annotated, in the same query, with whether a rhythm change or an
    absence bears on [start, end]: `meal_days(enrollments=…)` over that window then reads neither
    table when none of them has one (« Mon espace »: most families have neither today)."""
    return enrollments.annotate(
        rhythm_changed=Exists(_rhythm_changes(caisse=caisse, end=end).filter(enrollment=OuterRef("pk"))),
        absent=Exists(
            _absences(caisse=caisse, start=start, end=end).filter(
                household_id=OuterRef("household_id"), child_id=OuterRef("child_id")
            )
        ),
        flags_start=Value(start, output_field=DateField()),
        flags_end=Value(end, output_field=DateField()),
    )


def _flagged(enrollments, flag: str, start, end) -> bool:
    """Whether one of `enrollments` may have `flag` over [start, end]: true unless each was read
    `with_meal_flags` over that very window and says not."""
    return any(
        getattr(e, flag, True)
        or getattr(e, "flags_start", None) != start
        or getattr(e, "flags_end", None) != end
        for e in enrollments
    )


def _enrollment_bits(
    *, caisse, start, end, household_ids=None, school_ids=None, enrollment_ids=None, enrollments=None
):
    """The calendar and the components of every enrollment overlapping [start, end]. `enrollments`:
    every enrollment of the `household_ids` the caller read already (any state), not read again."""
    window = Window(start, end)
    if household_ids is not None:
        household_ids = Ids(household_ids)  # read by three queries, each as one array parameter
    if enrollments is not None:
        rows = [
            (e.pk, e.household_id, e.child_id, e.school_id, e.weekdays, e.custody, e.start_date, e.end_date)
            for e in enrollments
            if e.caisse_id == caisse.pk
            and e.start_date <= end
            and e.end_date >= start
            and (household_ids is None or e.household_id in household_ids.values)
            and (school_ids is None or e.school_id in school_ids)
            and (enrollment_ids is None or e.pk in enrollment_ids)
        ]
    else:
        queryset = Enrollment.objects.filter(caisse=caisse).overlapping(start, end)
        if household_ids is not None:
            queryset = queryset.filter(household_id__any=household_ids)
        if school_ids is not None:
            queryset = queryset.filter(school_id__in=school_ids)
        if enrollment_ids is not None:
            queryset = queryset.filter(pk__in=enrollment_ids)
        rows = list(
            queryset.order_by().values_list(
                "pk", "household_id", "child_id", "school_id", "weekdays", "custody", "start_date", "end_date"
            )
        )
    calendar = CalendarBits.load(caisse=caisse, window=window, school_ids=school_ids)
    if not rows:
        return calendar, []

    changes = _rhythm_changes(caisse=caisse, end=end)
    absences = _absences(caisse=caisse, start=start, end=end)
    if household_ids is not None:
        changes = changes.filter(enrollment__household_id__any=household_ids)
        absences = absences.filter(household_id__any=household_ids)
    if school_ids is not None:
        changes = changes.filter(enrollment__school_id__in=school_ids)
    if enrollments is not None:
        # Read `with_meal_flags`: only the tables where one of these enrollments has a row.
        read = {row[0] for row in rows}
        selected = [e for e in enrollments if e.pk in read]
        if not _flagged(selected, "rhythm_changed", start, end):
            changes = changes.none()
        if not _flagged(selected, "absent", start, end):
            absences = absences.none()
    rhythm = defaultdict(list)
    for enrollment_id, starts_on, weekdays in changes.order_by("starts_on", "decided_at", "pk").values_list(
        "enrollment_id", "starts_on", "weekdays"
    ):
        rhythm[enrollment_id].append((starts_on, weekdays))
    absent = defaultdict(int)
    pending = defaultdict(int)
    issued = None
    for household_id, child_id, first, last, state, decided_at in absences.order_by().values_list(
        "household_id", "child_id", "first_day", "last_day", "state", "decided_at"
    ):
        span = window.span(first, last)
        if state != AbsenceState.ACCEPTED:
            pending[household_id, child_id] |= span
            continue
        if decided_at is not None:
            # An issued invoice never changes: the days of a period invoiced before the absence was
            # accepted stay billed (a credit comes only from a refund request).
            if issued is None:
                issued = _issued_periods(caisse=caisse, start=start, end=end)
            for issued_at, period_start, period_end in issued:
                if issued_at < decided_at:
                    span &= ~window.span(period_start, period_end)
        absent[household_id, child_id] |= span

    custody_weeks = defaultdict(int)  # (child_id, household_id) -> bits
    calendar_weeks = defaultdict(int)  # child_id -> the bits of the weeks given to either household
    if any(row[5] == Custody.CALENDAR for row in rows):
        link_children = defaultdict(list)
        for link_id, child_a, child_b in ChildLink.objects.filter(caisse=caisse).values_list(
            "pk", "child_a_id", "child_b_id"
        ):
            link_children[link_id] = [child_a, child_b]
        for link_id, monday, household_id in CustodyWeek.objects.filter(
            link__caisse=caisse, monday__lte=end, monday__gte=start - datetime.timedelta(days=6)
        ).values_list("link_id", "monday", "household_id"):
            week = window.span(monday, monday + datetime.timedelta(days=6))
            for child_id in link_children[link_id]:
                custody_weeks[child_id, household_id] |= week
                calendar_weeks[child_id] |= week

    result = []
    for pk, household_id, child_id, school_id, weekdays, custody, first, last in rows:
        weekday_bits = 0
        segment_start, segment_weekdays = first, weekdays
        for starts_on, new_weekdays in rhythm.get(pk, ()):
            weekday_bits |= window.span(segment_start, starts_on - ONE_DAY) & window.weekdays(
                segment_weekdays
            )
            segment_start, segment_weekdays = max(starts_on, first), new_weekdays
        weekday_bits |= window.span(segment_start, None) & window.weekdays(segment_weekdays)
        custody_known = window.all
        if custody == Custody.FULL:
            custody_bits = window.all
        elif custody == Custody.EVEN:
            custody_bits = window.parity[0]
        elif custody == Custody.ODD:
            custody_bits = window.parity[1]
        else:
            custody_bits = custody_weeks.get((child_id, household_id), 0)
            custody_known = calendar_weeks.get(child_id, 0)
        result.append(
            EnrollmentBits(
                enrollment_id=pk,
                household_id=household_id,
                child_id=child_id,
                school_id=school_id,
                active=window.span(first, last),
                weekdays=weekday_bits,
                custody=custody_bits,
                absence=absent.get((household_id, child_id), 0),
                school_days=calendar.school_days(school_id),
                pending=pending.get((household_id, child_id), 0),
                custody_known=custody_known,
            )
        )
    return calendar, result


def meal_days(
    *, caisse, start: datetime.date, end: datetime.date, household_ids=None, enrollments=None
) -> dict[tuple[int, int], list[datetime.date]]:
    """(household_id, child_id) → the sorted days of [start, end] with a meal expected and billable.
    `enrollments`: every enrollment of `household_ids` when the caller read them (« Mon espace »)."""
    calendar, rows = _enrollment_bits(
        caisse=caisse, start=start, end=end, household_ids=household_ids, enrollments=enrollments
    )
    served = defaultdict(int)
    for row in rows:
        bits = row.served
        if bits:
            served[row.household_id, row.child_id] |= bits
    return {key: calendar.window.dates(bits) for key, bits in served.items()}


def packed_meal_spans(
    *, caisse, start: datetime.date, end: datetime.date, child_ids
) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    """child_id → the (first day, last day) of its validated PAI of kind « panier repas fourni par
    la famille » overlapping [start, end], oldest first (billing prices those days apart).

    A PAI pending, refused or cancelled, or of another kind, does not count. One query.
    """
    result: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for child_id, first, last in (
        Pai.objects.for_caisse(caisse)
        .overlapping(start, end)
        .filter(kind=PaiKind.PACKED_MEAL, child_id__any=Ids(child_ids))
        .order_by("child_id", "starts_on", "pk")
        .values_list("child_id", "starts_on", "ends_on")
    ):
        result[child_id].append((first, last))
    return dict(result)


def expected_meals(
    *, caisse, school, start: datetime.date, end: datetime.date
) -> dict[datetime.date, list[int]]:
    """Day → the ids of the enrollments of `school` with a meal expected that day (the kitchen's forecast)."""
    calendar, rows = _enrollment_bits(caisse=caisse, start=start, end=end, school_ids=[school.pk])
    by_day = {day: [] for day in calendar.window.dates(calendar.window.all)}
    for row in rows:
        for day in calendar.window.dates(row.served):
            by_day[day].append(row.enrollment_id)
    return by_day


@dataclass(frozen=True)
class ForecastCount:
    """The kitchen's figure for one school and one school day.

    `meals` counts every meal expected; `by_option` splits them by the meal option the families
    chose (the standard meal under its own label) and `pai_meals` counts apart the meals of
    children with a valid PAI. Both stay empty / 0 while the Caisse has no options or PAI."""

    school_id: int
    day: datetime.date
    meals: int
    by_option: dict[str, int]
    pai_meals: int = 0


STANDARD_MEAL = "Repas standard"


def kitchen_forecast(
    *, caisse, start: datetime.date, end: datetime.date, school_ids=None
) -> list[ForecastCount]:
    """The meals expected per school and school day of [start, end] (every school of the Caisse, or
    `school_ids`): the one computation behind the back office's « Effectifs prévus » and the
    partners' API, so they cannot disagree.

    `by_option` counts the meals by the option in force that day (the standard meal as
    « Repas standard »), only when the Caisse offers options or a family chose one; `pai_meals`
    counts the meals of children with a validated PAI covering the day.

    Counted per pattern, not per child and day: the children of a school mostly share their days
    (same weekdays, custody, no absence), so each distinct (school, days) pattern — of the meals, of
    the PAI meals, of each option's meals — is counted once with the number of children having it,
    then spread over its days. tests/enrollment/test_kitchen_forecast_oracle.py holds it to a plain
    per-child, per-day reading."""
    calendar, rows = _enrollment_bits(caisse=caisse, start=start, end=end, school_ids=school_ids)
    window = calendar.window
    counted = []  # (row, its meal days), only the rows with at least one
    for row in rows:
        served = row.served
        if served:
            counted.append((row, served))
    # Read by the Caisse (and schools), not by a list of thousands of ids; the others are ignored.
    counted_ids = {row.enrollment_id for row, _served in counted}
    choices = defaultdict(list)  # enrollment -> [(first day, option label or None)], sorted by start
    option_rows = MealOptionChoice.objects.filter(enrollment__caisse=caisse, starts_on__lte=end)
    if school_ids is not None:
        option_rows = option_rows.filter(enrollment__school_id__in=school_ids)
    for enrollment_id, starts_on, label in option_rows.order_by("enrollment_id", "starts_on").values_list(
        "enrollment_id", "starts_on", "option__label"
    ):
        if enrollment_id in counted_ids:
            choices[enrollment_id].append((starts_on, label))
    with_options = bool(choices) or MealOption.objects.for_caisse(caisse).exists()
    children = {row.child_id for row, _served in counted}
    pai_bits = defaultdict(int)  # child_id -> days covered by a validated PAI
    for child_id, first, last in (
        Pai.objects.for_caisse(caisse).overlapping(start, end).values_list("child_id", "starts_on", "ends_on")
    ):
        if child_id in children:
            pai_bits[child_id] |= window.span(first, last)

    meal_patterns: dict[tuple[int, int], int] = defaultdict(int)  # (school, days) -> children
    pai_patterns: dict[tuple[int, int], int] = defaultdict(int)
    option_patterns: dict[tuple[int, int, str], int] = defaultdict(int)  # (school, days, label) -> children
    for row, served in counted:
        school_id = row.school_id
        meal_patterns[school_id, served] += 1
        pai_days = served & pai_bits.get(row.child_id, 0)
        if pai_days:
            pai_patterns[school_id, pai_days] += 1
        if not with_options:
            continue
        chosen = choices.get(row.enrollment_id)
        if not chosen:
            option_patterns[school_id, served, STANDARD_MEAL] += 1
            continue
        segments = [(start, None), *chosen]
        for index, (first, label) in enumerate(segments):
            last = segments[index + 1][0] - ONE_DAY if index + 1 < len(segments) else None
            days = served & window.span(max(first, start), last)
            if days:
                option_patterns[school_id, days, label or STANDARD_MEAL] += 1

    counts: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for (school_id, days), number in meal_patterns.items():
        for day in window.dates(days):
            counts[school_id, day] += number
    pai: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for (school_id, days), number in pai_patterns.items():
        for day in window.dates(days):
            pai[school_id, day] += number
    options: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (school_id, days, label), number in option_patterns.items():
        for day in window.dates(days):
            options[school_id, day][label] += number
    return [
        ForecastCount(
            school_id=school_id,
            day=day,
            meals=meals,
            by_option=dict(sorted(options[school_id, day].items())) if with_options else {},
            pai_meals=pai.get((school_id, day), 0),
        )
        for (school_id, day), meals in sorted(counts.items())
    ]


def enrolled_children(*, caisse, school, day: datetime.date) -> list[tuple[Enrollment, str]]:
    """The active enrollments of `school` on `day`, child loaded, each with the weekdays in force
    that day (validated rhythm changes applied), by last name then first name."""
    enrollments = list(
        Enrollment.objects.filter(caisse=caisse, school=school, state=EnrollmentState.ACTIVE)
        .overlapping(day, day)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    in_force = {}
    for enrollment_id, weekdays in (
        RhythmChange.objects.filter(
            enrollment__in=enrollments, state=RhythmChangeState.VALIDATED, starts_on__lte=day
        )
        .order_by("starts_on", "decided_at", "pk")
        .values_list("enrollment_id", "weekdays")
    ):
        in_force[enrollment_id] = weekdays  # the latest wins
    return [(enrollment, in_force.get(enrollment.pk, enrollment.weekdays)) for enrollment in enrollments]


def absent_meals(
    *, caisse, school, start: datetime.date, end: datetime.date
) -> dict[datetime.date, list[int]]:
    """Day → the ids of the enrollments of `school` that would have a meal that day but for an
    accepted absence (shown as "absent, not expected" in the forecast and the attendance)."""
    calendar, rows = _enrollment_bits(caisse=caisse, start=start, end=end, school_ids=[school.pk])
    by_day = {day: [] for day in calendar.window.dates(calendar.window.all)}
    for row in rows:
        bits = row.school_days & row.active & row.weekdays & row.custody & row.absence
        for day in calendar.window.dates(bits):
            by_day[day].append(row.enrollment_id)
    return by_day


def _status(calendar: CalendarBits, row: EnrollmentBits | None, day: datetime.date) -> DayStatus:
    """Why a day is, or is not, a meal day: the first condition of the rule that fails."""
    w = calendar.window
    if row is None or not w.has(row.active, day):
        return DayStatus.NOT_ENROLLED
    if not w.has(calendar.serves.get(row.school_id, 0), day):
        return DayStatus.NO_SERVICE
    if w.has(calendar.public_holiday, day):
        return DayStatus.PUBLIC_HOLIDAY
    if not w.has(calendar.in_year, day) or w.has(calendar.school_holiday, day):
        return DayStatus.SCHOOL_HOLIDAY
    if w.has(calendar.closure(row.school_id), day):
        return DayStatus.CLOSURE
    if not w.has(row.weekdays, day):
        return DayStatus.NOT_WEEKDAY
    if not w.has(row.custody, day):
        return DayStatus.OTHER_GUARDIAN if w.has(row.custody_known, day) else DayStatus.CUSTODY_PENDING
    if w.has(row.absence, day):
        return DayStatus.ABSENCE
    if w.has(row.pending, day):
        return DayStatus.ABSENCE_PENDING
    return DayStatus.SERVED


def day_statuses(
    *, caisse, household, child, start: datetime.date, end: datetime.date
) -> dict[datetime.date, DayStatus]:
    """The planning of a child in a household: every day of [start, end] with its status."""
    calendar, rows = _enrollment_bits(caisse=caisse, start=start, end=end, household_ids=[household.pk])
    rows = [row for row in rows if row.child_id == child.pk]
    statuses = {}
    for day in calendar.window.dates(calendar.window.all):
        active = next((row for row in rows if calendar.window.has(row.active, day)), None)
        statuses[day] = _status(calendar, active, day)
    return statuses


def day_status(*, caisse, household, child, day: datetime.date) -> DayStatus:
    return day_statuses(caisse=caisse, household=household, child=child, start=day, end=day)[day]


EXPORT_COLUMNS = [
    "household_ref",
    "child_ref",
    "school_code",
    "weekdays",
    "custody",
    "start_date",
    "end_date",
]


def enrollment_export_rows(*, school_year, enrollments=None):
    """The header then one row per enrollment of the year (the weekdays are those of the enrollment;
    a validated rhythm change shows from its start in the planning and in meal_days)."""
    yield EXPORT_COLUMNS
    if enrollments is None:
        enrollments = Enrollment.objects.filter(school_year=school_year)
    for e in enrollments.select_related("household", "child", "school").order_by(
        "household__reference", "child__reference", "pk"
    ):
        yield [
            e.household.reference,
            e.child.reference,
            e.school.code,
            e.weekdays,
            e.custody,
            e.start_date.isoformat(),
            e.end_date.isoformat(),
        ]


# Absences ------------------------------------------------------------------------------------------


def custody_calendar_waiting(enrollments) -> set[int]:
    """The ids of `enrollments` in shared custody by calendar whose calendar gives their household
    no week of their period: not effective, they wait for the custody calendar (entered by an agent).
    """
    candidates = [
        e for e in enrollments if e.custody == Custody.CALENDAR and e.state == EnrollmentState.ACTIVE
    ]
    if not candidates:
        return set()
    child_ids = {e.child_id for e in candidates}
    link_of = {}
    for link_id, child_a, child_b in ChildLink.objects.filter(
        Q(child_a_id__in=child_ids) | Q(child_b_id__in=child_ids)
    ).values_list("pk", "child_a_id", "child_b_id"):
        link_of[child_a] = link_of[child_b] = link_id
    mondays = defaultdict(list)  # (link_id, household_id) -> the Mondays of its weeks
    for link_id, household_id, monday in CustodyWeek.objects.filter(
        link_id__in=set(link_of.values())
    ).values_list("link_id", "household_id", "monday"):
        mondays[link_id, household_id].append(monday)
    waiting = set()
    for enrollment in candidates:
        weeks = mondays.get((link_of.get(enrollment.child_id), enrollment.household_id), ())
        first_monday = enrollment.start_date - datetime.timedelta(days=6)
        if not any(first_monday <= monday <= enrollment.end_date for monday in weeks):
            waiting.add(enrollment.pk)
    return waiting


def awaits_custody_calendar(enrollment) -> bool:
    return enrollment.pk in custody_calendar_waiting([enrollment])


@dataclass
class CustodyGap:
    """A child in shared custody by calendar whose calendar leaves school weeks to no one."""

    link: ChildLink
    mondays: list[datetime.date]


def custody_calendars_to_complete(*, caisse, today: datetime.date | None = None):
    """The agents' queue of shared custody by calendar: the enrollments waiting for their calendar,
    and the calendars that leave weeks with a meal day to no household (no one pays, no meal is
    planned), from the week of `today` on. Returns (waiting enrollments, gaps)."""
    today = today or timezone.localdate()
    enrollments = list(
        Enrollment.objects.for_caisse(caisse)
        .filter(state=EnrollmentState.ACTIVE, custody=Custody.CALENDAR, end_date__gte=today)
        .select_related("child", "school", "household")
        .order_by("start_date", "child__last_name", "child__first_name", "pk")
    )
    waiting_ids = custody_calendar_waiting(enrollments)
    waiting = [e for e in enrollments if e.pk in waiting_ids]
    links = {
        link.pk: link
        for link in ChildLink.objects.filter(caisse=caisse)
        .filter(
            Q(child_a_id__in={e.child_id for e in enrollments})
            | Q(child_b_id__in={e.child_id for e in enrollments})
        )
        .select_related("child_a__household", "child_b__household")
    }
    link_of = {}
    for link in links.values():
        link_of[link.child_a_id] = link_of[link.child_b_id] = link.pk
    groups = defaultdict(list)
    for enrollment in enrollments:
        if enrollment.child_id in link_of:
            groups[link_of[enrollment.child_id]].append(enrollment)
    gaps = []
    for link_id, members in groups.items():
        if all(e.pk in waiting_ids for e in members):
            continue  # no calendar yet: the waiting enrollments say it
        mondays = _weeks_without_payer(caisse=caisse, enrollments=members, today=today)
        if mondays:
            gaps.append(CustodyGap(link=links[link_id], mondays=mondays))
    return waiting, gaps


def _weeks_without_payer(*, caisse, enrollments, today) -> list[datetime.date]:
    """The Mondays, from the week of `today`, of the weeks with a meal day of the child (its
    school days and weekdays in one of `enrollments`) that the custody gives to no household."""
    if not enrollments:
        return []
    start = today - datetime.timedelta(days=today.isoweekday() - 1)
    end = max(e.end_date for e in enrollments)
    if end < start:
        return []
    calendar, rows = _enrollment_bits(
        caisse=caisse, start=start, end=end, enrollment_ids=[e.pk for e in enrollments]
    )
    possible = covered = 0
    for row in rows:
        possible |= row.school_days & row.active & row.weekdays
        covered |= row.custody & row.active
    missing = calendar.window.dates(possible & ~covered)
    return sorted({day - datetime.timedelta(days=day.isoweekday() - 1) for day in missing})


def custody_link_weeks_without_payer(*, link, today: datetime.date | None = None) -> list[datetime.date]:
    """The weeks of a linked child's custody calendar that no household pays (see above)."""
    enrollments = Enrollment.objects.filter(
        caisse_id=link.caisse_id,
        child_id__in=[link.child_a_id, link.child_b_id],
        state=EnrollmentState.ACTIVE,
        custody=Custody.CALENDAR,
    )
    return _weeks_without_payer(
        caisse=link.caisse, enrollments=list(enrollments), today=today or timezone.localdate()
    )


def absence_rules_for(caisse) -> AbsenceRules:
    """The Caisse's absence rules, or the defaults (not saved) when the manager never set them."""
    return AbsenceRules.objects.filter(caisse=caisse).first() or AbsenceRules(caisse=caisse)


def absence_reasons(caisse):
    """The reasons a parent may choose, in the manager's order."""
    return AbsenceReason.objects.for_caisse(caisse).active()


def notice_deadline(
    *, caisse, first_day: datetime.date, rules: AbsenceRules | None = None
) -> datetime.datetime:
    """The last moment (excluded) to declare an absence starting on `first_day` in time.

    `rules.notice_days` working days (Monday to Friday, not a public holiday of the Caisse's
    calendar) before `first_day`, at `rules.notice_time`, local time; 0 days: `first_day` itself.
    """
    rules = rules or absence_rules_for(caisse)
    lookback = first_day - datetime.timedelta(days=rules.notice_days * 3 + 21)
    holidays = set()
    for first, last in (
        CalendarEntry.objects.filter(caisse=caisse, kind=CalendarKind.PUBLIC_HOLIDAY)
        .overlapping(lookback, first_day)
        .values_list("first_day", "last_day")
    ):
        day = first
        while day <= last:
            holidays.add(day)
            day += ONE_DAY
    day, remaining = first_day, rules.notice_days
    while remaining:
        day -= ONE_DAY
        if day.isoweekday() <= 5 and day not in holidays:
            remaining -= 1
    return timezone.make_aware(datetime.datetime.combine(day, rules.notice_time))


def notice_rule_text(rules: AbsenceRules) -> str:
    """The notice in words, for the parent's form and the documentation."""
    hour = rules.notice_time.strftime("%H:%M").replace(":", " h ").replace(" h 00", " h")
    if rules.notice_days == 0:
        return _("au plus tard le jour même, avant %(hour)s") % {"hour": hour}
    return ngettext(
        "au plus tard le jour ouvré qui précède le premier jour d'absence, avant %(hour)s",
        "au plus tard %(n)d jours ouvrés avant le premier jour d'absence, avant %(hour)s",
        rules.notice_days,
    ) % {"n": rules.notice_days, "hour": hour}


def invoiced_days(absence) -> list[datetime.date]:
    """The days of `absence` inside a billing period whose invoices are already issued: an accepted
    absence never changes an issued invoice."""
    periods = (
        BillingPeriod.objects.for_caisse(absence.household.caisse)
        .issued()
        .filter(start_date__lte=absence.last_day, end_date__gte=absence.first_day)
    )
    days = []
    for start, end in periods.values_list("start_date", "end_date"):
        day = max(start, absence.first_day)
        while day <= min(end, absence.last_day):
            days.append(day)
            day += ONE_DAY
    return sorted(days)


def pais_for_canteen_staff(*, staff, day: datetime.date):
    """The PAI a canteen staff member (`schools.CanteenStaff`) may read: the validated PAI of the
    children with an active enrollment, not ended on `day`, at one of the staff member's schools."""
    return (
        Pai.objects.for_caisse(staff.caisse_id)
        .filter(
            state=PaiState.VALIDATED,
            child__enrollments__school__in=staff.schools.all(),
            child__enrollments__state=EnrollmentState.ACTIVE,
            child__enrollments__end_date__gte=day,
        )
        .distinct()
    )
