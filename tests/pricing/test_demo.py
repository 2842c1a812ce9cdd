import io

import pytest
from django.core.management import call_command

from refectoire.pricing.enums import TariffRequestState
from refectoire.pricing.models import TariffRequest

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_one_tariff_request_waiting_for_the_agents_and_runs_twice_unchanged():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())

    request = TariffRequest.objects.get()
    assert request.state == TariffRequestState.SENT
    assert request.household.guardians.filter(user__username="P11-MARCP").exists()
    assert (request.caisse.slug, request.school_year.label) == ("cde11", "2026-2027")
    assert request.proofs.count() == 1 and request.estimated_bracket is not None
    assert "demande de tarif 2026-2027 de P11-MARCP" in out.getvalue()
