"""Issue 16, the enrollment rush: one submission of the enrollment form (GET for its CSRF token,
then POST) reads and writes the database a bounded number of times, whatever the size of the
family and of the Caisse.

GET: the Caisse, the session, the user, the household, the child, the year, its enrollment if any,
the schools (once, for the options and the check), the agent role of the menu. POST: the same up to
the schools, then the lock on the household, the check that the child is not enrolled yet, the
enrollment, its history row, its event, the language of the confirmation e-mail; in a test the
service's transaction is a savepoint (2 more). On a server the e-mail's task is queued after the
commit (one INSERT, `transaction.on_commit`, not counted here). Before issue 16: 12 and 26.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_create
from tests.enrollment import conftest as enrollment_fixtures
from tests.enrollment.factories import family
from tests.factories import CaisseFactory
from tests.schools.factories import SchoolFactory

current_year = enrollment_fixtures.current_year
keller = enrollment_fixtures.keller

pytestmark = pytest.mark.django_db

MAX_QUERIES = {"GET": 9, "POST": 16}


def submit(client, curl, caisse, child, year, school) -> dict[str, int]:
    url = curl(caisse, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=year.uuid)
    with CaptureQueriesContext(connection) as got:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as posted:
        response = client.post(
            url, {"school": school.pk, "weekdays": ["1", "2", "4", "5"], "shared_custody": "non"}
        )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(child=child, school_year=year)
    assert enrollment.school == school and enrollment.weekdays == "1245"
    return {"GET": len(got), "POST": len(posted)}


def test_one_submission_reads_the_database_a_bounded_number_of_times(
    client, curl, cde11, parent_a, parent_b, current_year, keller
):
    _household, (alone,) = family(cde11, parent_a)
    client.force_login(parent_a)
    small = submit(client, curl, cde11, alone, current_year, keller)
    # A bigger family, three of its children enrolled already, in a Caisse with more schools
    # (one without Wednesdays) and more families.
    for n in range(6):
        SchoolFactory(caisse=cde11, code=f"0759{n:03d}X", weekdays="1245" if n % 2 else "12345")
    for _ in range(5):
        family(cde11, children=2)
    _household, kids = family(cde11, parent_b, children=4)
    for kid in kids[:3]:
        enrollment_create(
            household=kid.household, child=kid, school=keller, school_year=current_year, weekdays="12"
        )
    client.force_login(parent_b)
    big = submit(client, curl, cde11, kids[3], current_year, keller)
    assert small == big, (small, big)  # nothing per child, school or household
    assert big["GET"] <= MAX_QUERIES["GET"] and big["POST"] <= MAX_QUERIES["POST"], big


def test_a_school_not_offered_is_refused_next_to_the_field(
    client, curl, cde11, parent_a, current_year, keller
):
    elsewhere = SchoolFactory(caisse=CaisseFactory(), code="0000000Z")
    closed = SchoolFactory(caisse=cde11, code="0751111C", is_active=False)
    _household, (child,) = family(cde11, parent_a)
    client.force_login(parent_a)
    url = curl(cde11, "portal:enrollment_form", child_uuid=child.uuid, year_uuid=current_year.uuid)
    for school in (elsewhere.pk, closed.pk, "abc", "99999"):
        response = client.post(url, {"school": school, "weekdays": ["1"], "shared_custody": "non"})
        assert response.status_code == 200
        assert response.context["form"].errors["school"], school
    assert not Enrollment.objects.filter(child=child).exists()
