"""The agents' queue: filters by school and by age."""

import datetime

import pytest
from django.utils import timezone

from refectoire.requests import services
from refectoire.requests.enums import RequestKind
from refectoire.requests.models import Request
from refectoire.schools.models import School
from tests.requests.factories import enroll

pytestmark = pytest.mark.django_db


def correction(household, user, children=()):
    return services.request_create(
        household=household,
        kind=RequestKind.CORRECTION,
        data={"text": "Erreur."},
        created_by=user,
        children=children,
    )


@pytest.fixture
def two_schools(household_a, household_b):
    """Child A at École Roquette, child B at École Belleville."""
    from refectoire.enrollment.models import Enrollment

    enroll(household_a.children.get())
    enroll(household_b.children.get())
    belleville = School.objects.create(
        caisse=household_b.caisse, code="E-BELLEVILLE", name="École Belleville", kind="elementaire"
    )
    Enrollment.objects.filter(household=household_b).update(school=belleville)
    return School.objects.get(code="E-ROQUETTE"), belleville


def test_the_queue_filters_by_school_of_the_children_or_of_the_household(
    client, curl, cde11, household_a, household_b, parent_a, parent_b, agent_cde11, two_schools
):
    roquette, belleville = two_schools
    about_a = correction(household_a, parent_a, children=[household_a.children.get()])
    household_only_b = correction(household_b, parent_b)
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:request_queue")
    at_roquette = client.get(url, {"school": str(roquette.uuid)}).context
    assert [r.pk for r in at_roquette["queue"]] == [about_a.pk]
    at_belleville = client.get(url, {"school": str(belleville.uuid)}).context
    assert [r.pk for r in at_belleville["queue"]] == [household_only_b.pk]
    assert client.get(url).context["total"] == 2


def test_a_school_of_another_caisse_is_not_a_valid_filter(
    client, curl, cde11, cde19, household_a, parent_a, agent_cde11, two_schools
):
    correction(household_a, parent_a, children=[household_a.children.get()])
    elsewhere = School.objects.create(caisse=cde19, code="E-19", name="École du 19e", kind="elementaire")
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:request_queue"), {"school": str(elsewhere.uuid)})
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert response.context["total"] == 1  # the filter is ignored, the default queue shows


def test_the_queue_filters_by_age_of_the_sending(
    client, curl, cde11, household_a, household_b, parent_a, parent_b, agent_cde11
):
    old = correction(household_a, parent_a)
    recent = correction(household_b, parent_b)
    now = timezone.now()
    Request.objects.filter(pk=old.pk).update(submitted_at=now - datetime.timedelta(days=20))
    Request.objects.filter(pk=recent.pk).update(submitted_at=now - datetime.timedelta(days=3))
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:request_queue")

    def pks(age):
        return [r.pk for r in client.get(url, {"age": age}).context["queue"]]

    assert pks("") == [old.pk, recent.pk]
    assert pks("7") == [old.pk]
    assert pks("15") == [old.pk]
    assert pks("30") == []
