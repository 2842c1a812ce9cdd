"""The families import with its optional columns: enrollments and decided tariffs from the first day."""

import datetime

import pytest

from refectoire.enrollment.models import Enrollment
from refectoire.households.importer import COLUMNS, ImportRejected, import_families
from refectoire.households.models import Household
from refectoire.pricing.models import TariffDecision
from refectoire.pricing.selectors import bracket_in_force
from tests.pricing.factories import paris_grid
from tests.schools.factories import SchoolFactory, school_year

pytestmark = pytest.mark.django_db

HEADER = ";".join([*COLUMNS, "school_code", "weekdays", "custody", "bracket", "family_quotient"])
FAMILY = "F001;Mme;Lovinfosse;Allison;17/05/1985;allison@example.fr;0612345678;12;rue de la Roquette;75011;Paris;;;;;1234567"


def csv_of(*rows) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def year(cde11):
    paris_grid(cde11, "2026-2027")
    return school_year(cde11, "2026-2027")


def test_import_creates_enrollments_and_a_decided_tariff_from_the_first_day(cde11, year):
    SchoolFactory(caisse=cde11, code="0751234A")
    content = csv_of(
        FAMILY + ";C001;Lovinfosse;Elie;02/09/2017;0751234A;1245;full;4;812.50",
        FAMILY + ";C002;Lovinfosse;Hikari;11/01/2019;0751234A;12345;even;4;812.50",
    )
    import_families(caisse=cde11, content=content, options={"year": "2026-2027"})

    household = Household.objects.get(caisse=cde11, reference="F001")
    enrollments = {e.child.reference: e for e in Enrollment.objects.filter(household=household)}
    assert enrollments["C001"].weekdays == "1245" and enrollments["C001"].custody == "full"
    assert enrollments["C002"].custody == "even"
    assert all(e.start_date == year.first_day for e in enrollments.values())
    assert TariffDecision.objects.filter(household=household).count() == 1
    in_force = bracket_in_force(household=household, day=datetime.date(2026, 9, 1))
    assert in_force.bracket_number == 4

    # The same file again changes nothing.
    import_families(caisse=cde11, content=content, options={"year": "2026-2027"})
    assert Enrollment.objects.filter(household=household).count() == 2
    assert TariffDecision.objects.filter(household=household).count() == 1


def test_an_unknown_school_rejects_the_whole_file_with_its_line(cde11, year):
    content = csv_of(FAMILY + ";C001;Lovinfosse;Elie;02/09/2017;9999999X;1245;full;;")
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=content, options={"year": "2026-2027"})
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [(2, "school_code")]
    assert not Household.objects.filter(caisse=cde11).exists()


def test_enrollment_columns_need_the_school_year(cde11, year):
    SchoolFactory(caisse=cde11, code="0751234A")
    content = csv_of(FAMILY + ";C001;Lovinfosse;Elie;02/09/2017;0751234A;1245;full;;")
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=content, options={"year": ""})
    assert "--year" in rejected.value.report.errors[0].message
    assert not Household.objects.filter(caisse=cde11).exists()


def test_weekdays_must_be_iso_digits_in_order(cde11, year):
    SchoolFactory(caisse=cde11, code="0751234A")
    content = csv_of(FAMILY + ";C001;Lovinfosse;Elie;02/09/2017;0751234A;lun mar;full;;")
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=content, options={"year": "2026-2027"})
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [(2, "weekdays")]
