import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refectoire.enrollment.enums import Custody
from refectoire.enrollment.services import enrollment_create_from_import
from refectoire.schools.models import School
from refectoire.schools.services import closure_create, schools_import_csv
from tests.enrollment.factories import family
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db

CSV = """school_code;name;kind;address;weekdays
0751234A;École élémentaire Keller;elementaire;17 rue Keller, 75011 Paris;12345
0751234B;École maternelle Belleville;maternelle;122 boulevard de Belleville;1245
"""


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_schools_creates_then_updates_by_school_code(cde11, tmp_path):
    path = tmp_path / "ecoles.csv"
    path.write_text(CSV, encoding="utf-8")
    assert "2 établissement(s) créé(s), 0 mis à jour" in run("import_schools", "--caisse", "cde11", str(path))
    path.write_text(
        CSV.replace("École maternelle Belleville", "École maternelle Belleville II"), encoding="utf-8"
    )
    assert "0 établissement(s) créé(s), 2 mis à jour" in run("import_schools", "--caisse", "cde11", str(path))
    school = School.objects.get(caisse=cde11, code="0751234B")
    assert school.name == "École maternelle Belleville II" and school.weekdays == "1245"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (";Sans code;elementaire;;12345", "code d'établissement manquant"),
        ("X1;;elementaire;;12345", "nom manquant"),
        ("X1;École;college;;12345", "type « college » : maternelle, elementaire ou polyvalente"),
        ("X1;École;elementaire;;18", "jours « 18 »"),
        ("X1;École;elementaire;;", "jours de restauration manquants"),
    ],
)
def test_a_wrong_line_is_reported_and_nothing_is_imported(cde11, line, message):
    report = schools_import_csv(caisse=cde11, text=CSV + line + "\n")
    assert not report.ok
    assert report.errors[0][0] == 4 and message in report.errors[0][1]
    assert not School.objects.filter(caisse=cde11).exists()


def test_a_wrong_header_is_refused(cde11):
    report = schools_import_csv(caisse=cde11, text="code;nom\nA;B\n")
    assert report.errors == [(1, "En-tête attendu : school_code;name;kind;address;weekdays.")]


def test_export_school_days_prints_one_iso_date_per_line(cde11, cde19):
    school_year(cde11, "2026-2027")
    keller = SchoolFactory(caisse=cde11, code="K")
    SchoolFactory(caisse=cde11, code="B", weekdays="1245")
    closure_create(
        caisse=cde11,
        school=keller,
        first_day=datetime.date(2026, 9, 3),
        last_day=datetime.date(2026, 9, 3),
        reason="Grève",
    )
    out = run(
        "export_school_days",
        "--caisse",
        "cde11",
        "--from",
        "2026-08-31",
        "--to",
        "2026-09-06",
        "--school",
        "B",
    )
    assert out.split() == ["2026-09-01", "2026-09-03", "2026-09-04"]
    out = run(
        "export_school_days",
        "--caisse",
        "cde11",
        "--from",
        "2026-08-31",
        "--to",
        "2026-09-06",
        "--school",
        "K",
    )
    assert out.split() == ["2026-09-01", "2026-09-02", "2026-09-04"]
    out = run("export_school_days", "--caisse", "cde11", "--from", "2026-10-16", "--to", "2026-11-03")
    assert out.split() == ["2026-10-16", "2026-11-02", "2026-11-03"]
    with pytest.raises(CommandError, match="Établissement inconnu"):
        run(
            "export_school_days",
            "--caisse",
            "cde19",
            "--from",
            "2026-09-01",
            "--to",
            "2026-09-02",
            "--school",
            "K",
        )


def test_export_enrollments_prints_the_years_enrollments(cde11):
    year = school_year(cde11, "2026-2027")
    SchoolFactory(caisse=cde11, code="0751234A")
    household, (child,) = family(cde11)
    household.reference, child.reference = "F100", "E200"
    household.save()
    child.save()
    enrollment_create_from_import(
        household=household,
        child=child,
        school_code="0751234A",
        weekdays="1245",
        custody="even",
        school_year=year,
    )
    lines = run("export_enrollments", "--caisse", "cde11", "--year", "2026-2027").splitlines()
    assert lines == [
        "household_ref;child_ref;school_code;weekdays;custody;start_date;end_date",
        "F100;E200;0751234A;1245;even;2026-09-01;2027-07-02",
    ]


@pytest.mark.parametrize(
    ("school_code", "weekdays", "custody", "message"),
    [
        ("NOPE", "12345", "full", "Établissement « NOPE » inconnu"),
        ("0751234A", "", "full", "Indiquez au moins un jour de présence"),
        ("0751234A", "12345", "half", "Garde « half » : full, even, odd ou calendar"),
    ],
)
def test_enrollment_from_import_rejects_wrong_values(cde11, school_code, weekdays, custody, message):
    from django.core.exceptions import ValidationError

    year = school_year(cde11, "2026-2027")
    SchoolFactory(caisse=cde11, code="0751234A")
    household, (child,) = family(cde11)
    with pytest.raises(ValidationError, match=message):
        enrollment_create_from_import(
            household=household,
            child=child,
            school_code=school_code,
            weekdays=weekdays,
            custody=custody,
            school_year=year,
        )
    assert Custody.FULL == "full"
