"""The agents' access log: one row per view, readable after the agent's account is gone."""

import pytest
from django.test import RequestFactory
from django.urls import ResolverMatch

from refectoire.accounts.access_log import access_log_for_request, access_log_record
from refectoire.accounts.enums import AccessKind
from refectoire.accounts.models import AccessLog


def test_a_view_writes_one_row_with_who_what_and_where(cde11, agent_cde11, household_a):
    request = RequestFactory().get("/cde11/agents/familles/12/")
    request.caisse, request.user = cde11, agent_cde11
    request.resolver_match = ResolverMatch(
        lambda r: None, (), {}, url_name="household_detail", namespaces=["backoffice"]
    )

    row = access_log_for_request(
        request, kind=AccessKind.HOUSEHOLD, object_id=household_a.pk, household_id=household_a.pk
    )

    assert AccessLog.objects.get() == row
    assert (row.caisse, row.agent, row.kind, row.object_id, row.household_id) == (
        cde11,
        agent_cde11,
        "household",
        str(household_a.pk),
        household_a.pk,
    )
    assert row.screen == "backoffice:household_detail"
    assert row.agent_name == (agent_cde11.get_full_name() or agent_cde11.username)


def test_the_row_outlives_the_agent_and_refuses_an_unknown_kind(cde11, agent_cde11):
    row = access_log_record(caisse=cde11, agent=agent_cde11, kind="iban", object_id="M-1", screen="x")
    name = row.agent_name
    agent_cde11.delete()
    row.refresh_from_db()
    assert (row.agent, row.agent_name, row.get_kind_display()) == (None, name, "IBAN complet")
    with pytest.raises(ValueError):
        access_log_record(caisse=cde11, agent=None, kind="salary", object_id=1)
