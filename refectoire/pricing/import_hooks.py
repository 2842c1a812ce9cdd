"""The optional columns `bracket;family_quotient` of the families import (households app)."""

from django.core.exceptions import ValidationError

from refectoire.households.importer import ImportRejected, ImportReport, RowError
from refectoire.pricing.services import tariff_decide_from_import
from refectoire.schools.models import SchoolYear


def record_tariffs(*, caisse, rows, options, dry_run):
    rows = [(row, child) for row, child in rows if row.get("bracket")]
    if not rows:
        return
    report = ImportReport(dry_run=dry_run)
    label = (options or {}).get("year") or ""
    school_year = SchoolYear.objects.for_caisse(caisse).filter(label=label).first() if label else None
    if school_year is None:
        report.errors.append(
            RowError(
                rows[0][0]["__line__"], "bracket", f"année scolaire « {label} » inconnue : précisez --year"
            )
        )
        raise ImportRejected(report)
    done = set()
    for row, child in rows:
        if child.household_id in done:
            continue
        done.add(child.household_id)
        try:
            tariff_decide_from_import(
                household=child.household,
                school_year=school_year,
                bracket=row["bracket"],
                family_quotient=row["family_quotient"],
            )
        except ValidationError as error:
            report.errors.append(RowError(row["__line__"], "bracket", " ".join(error.messages)))
    if report.errors:
        raise ImportRejected(report)
