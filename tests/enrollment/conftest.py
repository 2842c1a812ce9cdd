import datetime

import pytest

from refectoire.schools.models import BillingPeriod
from tests.enrollment.factories import family
from tests.schools.factories import SchoolFactory, school_year


@pytest.fixture
def year_2026(cde11):
    return school_year(cde11, "2026-2027")


@pytest.fixture
def keller(cde11):
    return SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")


@pytest.fixture
def family_a(cde11, parent_a):
    household, (child,) = family(cde11, parent_a)
    return household, child


@pytest.fixture
def family_b(cde11, parent_b):
    household, (child,) = family(cde11, parent_b)
    return household, child


@pytest.fixture
def periods_2026(cde11, year_2026):
    """The Paris periods of 2026-2027: Sep–Oct, Nov–Dec, Jan–Feb, Mar–Apr, May–Jun with early July."""
    bounds = [
        ((2026, 9, 1), (2026, 10, 31), "Septembre / Octobre 2026"),
        ((2026, 11, 1), (2026, 12, 31), "Novembre / Décembre 2026"),
        ((2027, 1, 1), (2027, 2, 28), "Janvier / Février 2027"),
        ((2027, 3, 1), (2027, 4, 30), "Mars / Avril 2027"),
        ((2027, 5, 1), (2027, 7, 2), "Mai / Juin 2027"),
    ]
    return [
        BillingPeriod.objects.create(
            caisse=cde11,
            school_year=year_2026,
            label=label,
            start_date=datetime.date(*first),
            end_date=datetime.date(*last),
        )
        for first, last, label in bounds
    ]


def open_school_year(caisse):
    """A school year around today, its enrollment campaign open."""
    from django.utils import timezone

    from refectoire.schools.services import school_year_create

    today = timezone.localdate()
    return school_year_create(
        caisse=caisse,
        label=f"{today.year}-{today.year + 1}",
        first_day=today - datetime.timedelta(days=40),
        last_day=today + datetime.timedelta(days=200),
        enrollment_opens_on=today - datetime.timedelta(days=100),
        enrollment_closes_on=today + datetime.timedelta(days=100),
    )


@pytest.fixture
def current_year(cde11):
    return open_school_year(cde11)


@pytest.fixture
def belleville(cde11):
    """A nursery school whose canteen is closed on Wednesdays."""
    return SchoolFactory(caisse=cde11, name="École maternelle Belleville", weekdays="1245")


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
        b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
    )
