"""enrollment_create does not read back what it checked itself (full_clean's relations and uniqueness)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_create
from tests.enrollment.factories import family

pytestmark = pytest.mark.django_db


def test_creating_an_enrollment_reads_no_relation_back_and_still_refuses_a_second(
    cde11, year_2026, keller, parent_a
):
    household, (child,) = family(cde11, parent_a)
    with CaptureQueriesContext(connection) as queries:
        enrollment = enrollment_create(
            household=household, child=child, school=keller, school_year=year_2026, weekdays="1245"
        )
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    # full_clean() would have read the Caisse, the school and the year back, and checked the uuid.
    assert '"caisses_caisse"' not in sql
    assert '"schools_school"' not in sql
    assert '"enrollment_enrollment"."uuid" =' not in sql
    assert Enrollment.objects.get(pk=enrollment.pk).weekdays == "1245"
    with pytest.raises(ValidationError) as refused:
        enrollment_create(
            household=household, child=child, school=keller, school_year=year_2026, weekdays="1"
        )
    assert "déjà inscrit" in " ".join(refused.value.messages)
    assert Enrollment.objects.filter(child=child).count() == 1


def test_bad_weekdays_are_still_refused_next_to_the_field(cde11, year_2026, keller, parent_a):
    household, (child,) = family(cde11, parent_a)
    with pytest.raises(ValidationError) as refused:
        enrollment_create(
            household=household, child=child, school=keller, school_year=year_2026, weekdays="9"
        )
    assert refused.value.messages
    assert not Enrollment.objects.filter(child=child).exists()
