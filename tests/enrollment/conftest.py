import datetime

import pytest

from refectoire.billing.models import BillingPeriod
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
