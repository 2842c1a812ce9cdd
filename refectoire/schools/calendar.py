"""The Caisse's calendar over a window of days, computed set-wise.

Integers are used as bit sets (bit i is the day start + i): `Window` maps days to bits,
`CalendarBits` loads the school years, holidays, closures and the weekdays each canteen serves,
school by school, in a handful of queries. Enrollment (meal days), schools (exports of school
days) and adult meals read the same bits.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, CharField, DateField, F, Value
from django.db.models.functions import Cast

from refectoire.core import reference
from refectoire.schools.enums import CalendarKind
from refectoire.schools.models import CalendarEntry, Closure, School, SchoolYear

ONE_DAY = datetime.timedelta(days=1)
SCHOOL_WEEK = "12345"  # never a weekend, whatever a school's weekdays say
# The sources of CalendarBits.load's rows.
_YEAR, _ENTRY, _CLOSURE, _SCHOOL = 1, 2, 3, 4


class Window:
    """Days start..end as bit positions 0..n-1."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start = start
        self.end = end
        self.n = max((end - start).days + 1, 0)
        self.all = (1 << self.n) - 1
        self.weekday = {w: 0 for w in range(1, 8)}
        self.parity = {0: 0, 1: 0}
        self._days = [start + datetime.timedelta(days=i) for i in range(self.n)]
        self._dates_cache: dict[int, tuple] = {}
        self._weekdays_cache: dict[str, int] = {}
        self._span_cache: dict[tuple, int] = {}
        for i, day in enumerate(self._days):
            self.weekday[day.isoweekday()] |= 1 << i
            self.parity[day.isocalendar().week % 2] |= 1 << i

    def span(self, first: datetime.date | None, last: datetime.date | None) -> int:
        """The bits of the days first..last (inclusive) inside the window."""
        # Thousands of enrollments share their first and last days (the school year's): each pair once.
        key = (first, last)
        bits = self._span_cache.get(key)
        if bits is None:
            bits = self._span_cache[key] = self._span(first, last)
        return bits

    def _span(self, first: datetime.date | None, last: datetime.date | None) -> int:
        a = 0 if first is None else max((first - self.start).days, 0)
        b = self.n - 1 if last is None else min((last - self.start).days, self.n - 1)
        if b < a:
            return 0
        return ((1 << (b - a + 1)) - 1) << a

    def weekdays(self, digits: str) -> int:
        # Read once per enrollment: a handful of distinct strings ("12345", "124"…) over thousands.
        bits = self._weekdays_cache.get(digits)
        if bits is None:
            bits = 0
            for digit in digits:
                bits |= self.weekday[int(digit)]
            self._weekdays_cache[digits] = bits
        return bits

    def dates(self, bits: int) -> list[datetime.date]:
        # Many children share one pattern (same school, weekdays, custody): each is listed once.
        cache = self._dates_cache
        known = cache.get(bits)
        if known is None:
            days, rest = [], bits
            while rest:
                low = rest & -rest
                days.append(self._days[low.bit_length() - 1])
                rest ^= low
            known = cache[bits] = tuple(days)
        return list(known)

    def has(self, bits: int, day: datetime.date) -> bool:
        i = (day - self.start).days
        return 0 <= i < self.n and bool(bits >> i & 1)


@dataclass
class CalendarBits:
    """The Caisse's calendar over a window, school by school."""

    window: Window
    in_year: int = 0
    school_holiday: int = 0
    public_holiday: int = 0
    caisse_closure: int = 0
    school_closure: dict = field(default_factory=lambda: defaultdict(int))
    serves: dict = field(default_factory=dict)  # school_id -> bits of the weekdays its canteen serves
    _school_days: dict = field(default_factory=dict)

    @classmethod
    def load(cls, *, caisse, window: Window, school_ids=None) -> CalendarBits:
        """The school years, holidays, closures and schools' weekdays of `caisse` over `window`, in
        one query (or none: the process's reference cache, core/reference.py)."""
        schools = None if school_ids is None else tuple(sorted(set(school_ids)))
        bits = reference.cached(
            "calendar",
            getattr(caisse, "pk", caisse),
            (window.start, window.end, schools),
            lambda: cls._read(caisse=caisse, window=window, school_ids=school_ids).bits(),
        )
        in_year, school_holiday, public_holiday, caisse_closure, school_closure, serves = bits
        return cls(
            window=window,
            in_year=in_year,
            school_holiday=school_holiday,
            public_holiday=public_holiday,
            caisse_closure=caisse_closure,
            school_closure=defaultdict(int, school_closure),
            serves=serves,
        )

    def bits(self) -> tuple:
        return (
            self.in_year,
            self.school_holiday,
            self.public_holiday,
            self.caisse_closure,
            dict(self.school_closure),
            dict(self.serves),
        )

    @classmethod
    def _read(cls, *, caisse, window: Window, school_ids=None) -> CalendarBits:
        """The four reads as one UNION ALL, each row tagged by its source."""
        cal = cls(window=window)
        start, end = window.start, window.end
        text, number, day = CharField(), BigIntegerField(), DateField()

        def rows(queryset, tag, label, school, first, last):
            return (
                queryset.order_by()
                .annotate(
                    _tag=Value(tag, output_field=number),
                    _label=label,
                    _school=school,
                    _first=first,
                    _last=last,
                )
                .values_list("_tag", "_label", "_school", "_first", "_last")
            )

        # Typed NULLs: PostgreSQL types an untyped NULL of the first branches as text.
        none_text, none_number, none_day = (Cast(Value(None), output_field=f) for f in (text, number, day))
        years = rows(
            SchoolYear.objects.filter(caisse=caisse, first_day__lte=end, last_day__gte=start),
            _YEAR, none_text, none_number, F("first_day"), F("last_day"),
        )  # fmt: skip
        entries = rows(
            CalendarEntry.objects.filter(caisse=caisse).overlapping(start, end),
            _ENTRY, F("kind"), none_number, F("first_day"), F("last_day"),
        )  # fmt: skip
        closures = rows(
            Closure.objects.filter(caisse=caisse).overlapping(start, end),
            _CLOSURE, none_text, F("school_id"), F("first_day"), F("last_day"),
        )  # fmt: skip
        schools = School.objects.filter(caisse=caisse)
        if school_ids is not None:
            schools = schools.filter(pk__in=school_ids)
        schools = rows(schools, _SCHOOL, F("weekdays"), F("pk"), none_day, none_day)
        for tag, label, school_id, first, last in years.union(entries, closures, schools, all=True):
            if tag == _YEAR:
                cal.in_year |= window.span(first, last)
            elif tag == _ENTRY:
                if label == CalendarKind.PUBLIC_HOLIDAY:
                    cal.public_holiday |= window.span(first, last)
                else:
                    cal.school_holiday |= window.span(first, last)
            elif tag == _CLOSURE:
                if school_id is None:
                    cal.caisse_closure |= window.span(first, last)
                else:
                    cal.school_closure[school_id] |= window.span(first, last)
            else:
                cal.serves[school_id] = window.weekdays(label) & window.weekdays(SCHOOL_WEEK)
        return cal

    def closure(self, school_id) -> int:
        return self.caisse_closure | self.school_closure.get(school_id, 0)

    def school_days(self, school_id) -> int:
        if school_id not in self._school_days:
            self._school_days[school_id] = (
                self.in_year
                & self.serves.get(school_id, 0)
                & ~self.school_holiday
                & ~self.public_holiday
                & ~self.closure(school_id)
            )
        return self._school_days[school_id]
