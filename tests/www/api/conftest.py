"""The partners' API: a Caisse (cde11) with two schools, children enrolled at Keller, the Paris grid,
and tokens made by the manager's service. Monday 14 September 2026 is a school day (zone C)."""

import datetime
import zoneinfo

import pytest
import time_machine

from refectoire.enrollment.services import enrollment_create
from refectoire.partners.enums import ApiScope
from refectoire.partners.services import api_token_create
from tests.enrollment.factories import family
from tests.pricing.factories import paris_grid
from tests.schools.factories import SchoolFactory, school_year

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.date(2026, 9, 14)
ALL_SCOPES = list(ApiScope.values)


@pytest.fixture
def on_monday():
    """The clock on Monday 14 September 2026, 11:30 in Paris (the canteen's tablet at lunch)."""
    with time_machine.travel(datetime.datetime(2026, 9, 14, 11, 30, tzinfo=PARIS), tick=False):
        yield MONDAY


@pytest.fixture
def year_2026(cde11):
    return school_year(cde11, "2026-2027")


@pytest.fixture
def keller(cde11):
    return SchoolFactory(caisse=cde11, code="0751234A", name="École élémentaire Keller")


@pytest.fixture
def popincourt(cde11):
    return SchoolFactory(caisse=cde11, code="0755678B", name="École maternelle Popincourt")


@pytest.fixture
def school_19(cde19):
    return SchoolFactory(caisse=cde19, code="0759999Z", name="École du 19e")


@pytest.fixture
def enrolled(cde11, year_2026, keller, popincourt):
    """Three children at Keller (two every day, one Monday, Tuesday, Thursday), one at Popincourt."""
    made = []
    for school, weekdays in ((keller, "12345"), (keller, "12345"), (keller, "124"), (popincourt, "12345")):
        household, (child,) = family(cde11)
        made.append(
            enrollment_create(
                household=household, child=child, school=school, school_year=year_2026, weekdays=weekdays
            )
        )
    return made


@pytest.fixture
def grid_2026(cde11, year_2026):
    return paris_grid(cde11)


@pytest.fixture
def make_token(manager_cde11):
    def make(caisse=None, scopes=None, school=None, expires_at=None, name="Cuisine centrale"):
        caisse = caisse or manager_cde11.agent_roles.first().caisse
        token, raw = api_token_create(
            caisse=caisse,
            name=name,
            scopes=ALL_SCOPES if scopes is None else scopes,
            school=school,
            expires_at=expires_at,
            actor=manager_cde11,
        )
        return token, raw

    return make


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
