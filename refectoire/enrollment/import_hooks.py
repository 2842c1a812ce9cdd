"""The optional columns `school_code;weekdays;custody` of the families import (households app)."""

from django.core.exceptions import ValidationError

from refectoire.enrollment.services import enrollment_create_from_import
from refectoire.households.importer import ImportRejected, ImportReport, RowError
from refectoire.schools.models import SchoolYear


def _error_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def create_enrollments(*, caisse, rows, options, dry_run):
    rows = [(row, child) for row, child in rows if row.get("school_code")]
    if not rows:
        return
    report = ImportReport(dry_run=dry_run)
    label = (options or {}).get("year") or ""
    school_year = SchoolYear.objects.for_caisse(caisse).filter(label=label).first() if label else None
    if school_year is None:
        report.errors.append(
            RowError(
                rows[0][0]["__line__"],
                "school_code",
                f"année scolaire « {label} » inconnue : précisez --year",
            )
        )
        raise ImportRejected(report)
    households = {}
    for row, child in rows:
        household = households.get(child.household_id) or child.household
        households[child.household_id] = household
        try:
            enrollment_create_from_import(
                household=household,
                child=child,
                school_code=row["school_code"],
                weekdays=row["weekdays"],
                custody=row["custody"],
                school_year=school_year,
            )
        except ValidationError as error:
            report.errors.append(RowError(row["__line__"], "school_code", _error_message(error)))
    if report.errors:
        raise ImportRejected(report)
