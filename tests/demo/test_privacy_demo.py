"""The demo's personal data: each Caisse's DPO and retention, a former family the purge will
anonymise within the month, another past its retention but held by an agent with a reason."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from refectoire.caisses.models import AgentRole, Caisse
from refectoire.privacy.models import AnonymisationHold, PrivacySettings
from refectoire.privacy.selectors import households_due, households_due_soon
from refectoire.privacy.services import personal_data_purge

pytestmark = pytest.mark.django_db


def test_the_demo_sets_each_caisses_dpo_and_retention_and_shows_households_to_anonymise(client):
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    for caisse in Caisse.objects.filter(slug__in=["cde11", "cde19"]):
        settings = PrivacySettings.objects.get(caisse=caisse)
        assert settings.dpo_email == f"dpo@{'cdeparis11' if caisse.slug == 'cde11' else 'cde19'}.fr"
        assert settings.dpo_name and settings.dpo_address
        assert (settings.inactive_years, settings.accounting_years, settings.access_log_days) == (2, 10, 365)

        soon = {
            household.reference: household.held for household in households_due_soon(caisse=caisse, on=today)
        }
        assert soon == {f"DEMO-ANCIEN-{caisse.slug}": False, f"DEMO-CONSERVE-{caisse.slug}": True}
        # Today only the held one is past its retention: the purge leaves it alone.
        assert [h.reference for h in households_due(caisse=caisse, on=today)] == [
            f"DEMO-CONSERVE-{caisse.slug}"
        ]
        report = personal_data_purge(caisse=caisse, dry_run=True, on=today)
        assert (report.households, report.held, report.failed) == (0, 1, 0)
        hold = AnonymisationHold.objects.get(caisse=caisse)
        assert hold.household.reference == f"DEMO-CONSERVE-{caisse.slug}" and hold.reason

        # What the agents read.
        client.force_login(AgentRole.objects.filter(caisse=caisse).order_by("pk").first().user)
        page = client.get(f"/{caisse.slug}/agent/donnees-personnelles/anonymisation/").content.decode()
        assert f"DEMO-ANCIEN-{caisse.slug}" in page and f"DEMO-CONSERVE-{caisse.slug}" in page
        assert hold.reason in page.replace("&#x27;", "'")
        notice = client.get(f"/{caisse.slug}/donnees-personnelles/").content.decode()
        assert settings.dpo_email in notice
