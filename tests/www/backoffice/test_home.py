"""« Espace agents »: the queues that hold something, with their count and oldest waiting date; the
manager's billing calendar; nothing of another Caisse."""

import datetime
import html

import pytest
from django.utils import timezone

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from refectoire.households.enums import HouseholdState
from tests.billing.factories import BillingPeriodFactory
from tests.households.factories import household_for

pytestmark = pytest.mark.django_db


def submitted(user, caisse, days_ago):
    household = household_for(user, caisse, state=HouseholdState.SUBMITTED)
    household.submitted_at = timezone.now() - datetime.timedelta(days=days_ago)
    household.save()
    return household


def test_the_home_shows_the_queues_with_count_and_oldest_date_and_hides_empty_ones(
    client, curl, cde11, agent_cde11, parent_a, parent_b
):
    submitted(parent_a, cde11, days_ago=12)
    submitted(parent_b, cde11, days_ago=2)
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:home"))
    queues = {queue["label"]: queue for queue in response.context["queues"]}
    assert queues["Foyers à valider"]["count"] == 2
    oldest = timezone.localdate() - datetime.timedelta(days=12)
    assert queues["Foyers à valider"]["oldest"] == oldest
    assert "Absences à décider" not in queues  # nothing waits: hidden
    page = html.unescape(response.content.decode())
    assert f"le plus ancien depuis le {oldest:%d/%m/%Y}" in page
    assert "Espace agents" in page and "Connecté en tant qu'agent." in page
    assert "Calendrier de facturation" not in page  # the manager's


def test_another_caisses_households_never_count(client, curl, cde11, cde19, agent_cde19, parent_a):
    submitted(parent_a, cde11, days_ago=3)
    client.force_login(agent_cde19)
    response = client.get(curl(cde19, "backoffice:home"))
    assert "Foyers à valider" not in {queue["label"] for queue in response.context["queues"]}
    assert client.get(curl(cde11, "backoffice:home")).status_code == 404


def test_a_parent_and_an_anonymous_person_never_see_the_queues(client, curl, cde11, parent_a):
    assert client.get(curl(cde11, "backoffice:home")).status_code == 302
    client.force_login(parent_a)
    assert client.get(curl(cde11, "backoffice:home")).status_code in (403, 404)


def test_the_manager_sees_the_billing_calendar(client, curl, cde11, manager_cde11):
    to_issue = BillingPeriodFactory(
        caisse=cde11,
        label="Janvier / Février 2027",
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 2, 28),
    )
    BillingRun.objects.create(caisse=cde11, period=to_issue, state=RunState.DRAFT, computed_at=timezone.now())
    BillingPeriodFactory(caisse=cde11)  # Mars / Avril 2027, not computed; payment opens 02/04/2027
    client.force_login(manager_cde11)
    response = client.get(curl(cde11, "backoffice:home"))
    entries = {entry["label"]: entry for entry in response.context["billing_calendar"]}
    assert entries["Période à calculer"]["period"] == "Mars / Avril 2027"
    assert entries["Période à calculer"]["text"] == "à calculer après le 30/04/2027"
    assert entries["Période à émettre"]["period"] == "Janvier / Février 2027"
    assert entries["Ouverture du paiement en ligne"]["text"] == "le 02/04/2027 à 14:00"
    assert "Connecté en tant que gestionnaire." in response.content.decode()
