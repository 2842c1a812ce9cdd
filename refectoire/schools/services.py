"""Schools, school years and the Caisse's calendar."""

import csv
import datetime
import io
from dataclasses import dataclass, field

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.core import reference
from refectoire.schools.calendar import CalendarBits, Window
from refectoire.schools.enums import CalendarKind, SchoolKind
from refectoire.schools.models import CalendarEntry, Closure, School, SchoolYear

ONE_DAY = datetime.timedelta(days=1)


def _ranges(days_names):
    """Consecutive days with the same name → (name, first, last)."""
    ranges = []
    for day, name in sorted(days_names):
        if ranges and ranges[-1][0] == name and ranges[-1][2] + ONE_DAY == day:
            ranges[-1][2] = day
        else:
            ranges.append([name, day, day])
    return [tuple(r) for r in ranges]


def calendar_compute(*, zone: str, first_day: datetime.date, last_day: datetime.date):
    """The school holidays of `zone` and the French public holidays between first_day and last_day.

    Returns [(kind, name, first, last)], from the `holidays` package (rules of the arrêtés).
    """
    years = list(range(first_day.year, last_day.year + 1))
    school = holidays.France(subdiv=f"Zone {zone}", categories=("school",), years=years, language="fr")
    public = holidays.France(years=years, language="fr")
    entries = []
    for name, first, last in _ranges((d, n) for d, n in school.items() if first_day <= d <= last_day):
        entries.append((CalendarKind.SCHOOL_HOLIDAY, name, first, last))
    for day, name in sorted(public.items()):
        if first_day <= day <= last_day:
            entries.append((CalendarKind.PUBLIC_HOLIDAY, name, day, day))
    return sorted(entries, key=lambda e: (e[2], e[0]))


@transaction.atomic
def school_year_create(
    *, caisse, label, first_day, last_day, enrollment_opens_on=None, enrollment_closes_on=None
) -> SchoolYear:
    """A school year, with its calendar computed for the Caisse's zone and stored as the Caisse's."""
    year = SchoolYear(
        caisse=caisse,
        label=label,
        first_day=first_day,
        last_day=last_day,
        enrollment_opens_on=enrollment_opens_on,
        enrollment_closes_on=enrollment_closes_on,
    )
    year.full_clean()
    year.save()
    school_year_calendar_reset(school_year=year)
    return year


@transaction.atomic
def school_year_calendar_reset(*, school_year) -> list[CalendarEntry]:
    """Replace the school year's calendar by the computed one (managers then correct it)."""
    school_year.calendar_entries.all().delete()
    entries = [
        CalendarEntry(
            caisse=school_year.caisse,
            school_year=school_year,
            kind=kind,
            name=name,
            first_day=first,
            last_day=last,
        )
        for kind, name, first, last in calendar_compute(
            zone=school_year.caisse.school_zone,
            first_day=school_year.first_day,
            last_day=school_year.last_day,
        )
    ]
    created = CalendarEntry.objects.bulk_create(entries)
    reference.bump()  # bulk_create sends no post_save
    return created


@transaction.atomic
def closure_create(*, caisse, school=None, first_day, last_day, reason, created_by=None) -> Closure:
    if school is not None and school.caisse_id != caisse.pk:
        raise ValidationError({"school": _("Cet établissement n'est pas dans la Caisse.")})
    closure = Closure(
        caisse=caisse,
        school=school,
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        created_by=created_by,
    )
    closure.full_clean()
    closure.save()
    return closure


def school_days(*, caisse, school, start, end) -> list[datetime.date]:
    """The days the canteen of `school` serves in [start, end]."""
    window = Window(start, end)
    calendar = CalendarBits.load(caisse=caisse, window=window, school_ids=[school.pk])
    return window.dates(calendar.school_days(school.pk))


# --- CSV import of schools: school_code;name;kind;address;weekdays

SCHOOL_COLUMNS = ["school_code", "name", "kind", "address", "weekdays"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_weekdays(value: str) -> str:
    digits = "".join(sorted(set(value.strip())))
    if not digits:
        raise ValueError(_("jours de restauration manquants."))
    if any(d not in "1234567" for d in digits):
        raise ValueError(
            _("jours « %(value)s » : des chiffres ISO de 1 (lundi) à 7 (dimanche).") % {"value": value}
        )
    return digits


@transaction.atomic
def schools_import_csv(*, caisse, text: str) -> ImportReport:
    """Create or update (by school_code) the Caisse's schools. Nothing is written if a line is wrong."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    if [c.strip() for c in (reader.fieldnames or [])] != SCHOOL_COLUMNS:
        report.errors.append((1, _("En-tête attendu : %(columns)s.") % {"columns": ";".join(SCHOOL_COLUMNS)}))
        return report
    rows = []
    seen = set()
    for number, row in enumerate(reader, start=2):
        code = (row.get("school_code") or "").strip()
        name = (row.get("name") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not code:
            report.errors.append((number, _("code d'établissement manquant.")))
            continue
        if code in seen:
            report.errors.append((number, _("le code %(code)s apparaît deux fois.") % {"code": code}))
            continue
        seen.add(code)
        if not name:
            report.errors.append((number, _("nom manquant.")))
            continue
        if kind not in SchoolKind.values:
            report.errors.append(
                (number, _("type « %(kind)s » : maternelle, elementaire ou polyvalente.") % {"kind": kind})
            )
            continue
        try:
            weekdays = _parse_weekdays(row.get("weekdays") or "")
        except ValueError as error:
            report.errors.append((number, str(error)))
            continue
        rows.append((code, name, kind, (row.get("address") or "").strip(), weekdays))
    if report.errors:
        return report
    for code, name, kind, address, weekdays in rows:
        _school, created = School.objects.update_or_create(
            caisse=caisse,
            code=code,
            defaults={"name": name, "kind": kind, "address": address, "weekdays": weekdays},
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report


# The managers' corrections of a school year and its calendar -----------------------------


@transaction.atomic
def school_year_update(*, school_year, **fields) -> SchoolYear:
    """Change a school year's days or its enrollment campaign (its label never changes)."""
    fields.pop("label", None)
    for name, value in fields.items():
        setattr(school_year, name, value)
    school_year.full_clean()
    school_year.save()
    return school_year


@transaction.atomic
def calendar_entry_save(*, school_year, entry=None, **fields) -> CalendarEntry:
    """Add an entry (holidays, a bank holiday, a bridge day) to a year's calendar, or correct one."""
    entry = entry or CalendarEntry()
    if entry.pk:
        _check_entry_of(school_year, entry)
    entry.caisse_id, entry.school_year = school_year.caisse_id, school_year
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def calendar_entry_delete(*, school_year, entry) -> None:
    """Remove an entry from a year's calendar."""
    _check_entry_of(school_year, entry)
    entry.delete()


def _check_entry_of(school_year, entry) -> None:
    if entry.school_year_id != school_year.pk:
        raise ValidationError(_("Cette entrée n'est pas dans le calendrier de cette année."))
