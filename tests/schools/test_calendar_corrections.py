"""The managers' corrections of a school year and its calendar, in the schools service (issue 14).

The « Années scolaires » screen used to save them itself; the service now validates and writes.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from refectoire.schools.enums import CalendarKind
from refectoire.schools.models import CalendarEntry
from refectoire.schools.services import calendar_entry_delete, calendar_entry_save, school_year_update
from tests.schools.factories import school_year

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_manager_adds_a_bridge_day_to_the_calendar(cde11):
    year = school_year(cde11)
    before = year.calendar_entries.count()
    entry = calendar_entry_save(
        school_year=year,
        kind=CalendarKind.PUBLIC_HOLIDAY,
        name="Pont",
        first_day=D(2027, 5, 7),
        last_day=D(2027, 5, 7),
    )
    assert (entry.caisse, entry.school_year) == (cde11, year)
    assert year.calendar_entries.count() == before + 1


def test_a_correction_keeps_its_entry_and_checks_its_dates(cde11):
    year = school_year(cde11)
    entry = year.calendar_entries.first()
    with pytest.raises(ValidationError):
        calendar_entry_save(school_year=year, entry=entry, first_day=D(2027, 5, 7), last_day=D(2027, 5, 6))
    stored = CalendarEntry.objects.get(pk=entry.pk)
    assert (stored.first_day, stored.last_day) != (D(2027, 5, 7), D(2027, 5, 6))


def test_an_entry_of_another_year_is_neither_changed_nor_deleted(cde11, cde19):
    year, other = school_year(cde11), school_year(cde19)
    foreign = other.calendar_entries.first()
    with pytest.raises(ValidationError):
        calendar_entry_save(school_year=year, entry=foreign, name="Autre")
    with pytest.raises(ValidationError):
        calendar_entry_delete(school_year=year, entry=foreign)
    assert CalendarEntry.objects.filter(pk=foreign.pk).exists()


def test_a_manager_deletes_an_entry(cde11):
    year = school_year(cde11)
    entry = year.calendar_entries.first()
    calendar_entry_delete(school_year=year, entry=entry)
    assert not CalendarEntry.objects.filter(pk=entry.pk).exists()


def test_a_school_year_changes_its_campaign_but_never_its_label(cde11):
    year = school_year(cde11)
    school_year_update(
        school_year=year,
        label="Autre",
        enrollment_opens_on=D(2026, 5, 1),
        enrollment_closes_on=D(2026, 8, 31),
    )
    year.refresh_from_db()
    assert (year.label, year.enrollment_opens_on, year.enrollment_closes_on) == (
        "2026-2027",
        D(2026, 5, 1),
        D(2026, 8, 31),
    )
