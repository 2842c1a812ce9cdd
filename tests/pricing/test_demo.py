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


def test_the_demo_grids_price_the_panier_repas_and_validating_ines_pai_bills_it_apart():
    from decimal import Decimal

    from refectoire.billing.models import Invoice
    from refectoire.billing.services import billing_run_compute
    from refectoire.enrollment.enums import PaiKind, PaiState
    from refectoire.enrollment.models import Pai
    from refectoire.enrollment.pai import pai_validate
    from refectoire.pricing.models import TariffGrid
    from refectoire.schools.models import BillingPeriod

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    settings = {
        (grid.caisse.slug, grid.packed_meal_pricing, grid.packed_meal_value)
        for grid in TariffGrid.objects.all()
    }
    assert settings == {("cde11", "fixed", Decimal("1.00")), ("cde19", "share", Decimal("50.00"))}

    pai = Pai.objects.get(caisse__slug="cde19", kind=PaiKind.PACKED_MEAL, state=PaiState.PENDING)
    agent = pai.caisse.agent_roles.first().user
    pai_validate(pai=pai, agent=agent)
    period = (
        BillingPeriod.objects.filter(caisse=pai.caisse, start_date__gt=pai.starts_on)
        .order_by("start_date")
        .first()
    )
    billing_run_compute(caisse=pai.caisse, period=period)
    lines = list(Invoice.objects.get(period=period, household=pai.household).lines.filter(child=pai.child))
    # The PAI covers the whole school year: every meal of the child is a panier day, at half price.
    assert lines and all(line.reason.startswith("panier repas (PAI) : 50") for line in lines)
    assert all(line.label.endswith("— Repas – panier repas fourni par la famille (PAI)") for line in lines)
    assert sum(line.meals for line in lines) > 0
