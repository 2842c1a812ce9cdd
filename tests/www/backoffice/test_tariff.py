"""The agents' tariff screens and the managers' grids: decisions, exports, isolation."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from refectoire.pricing import grids, services
from refectoire.pricing.enums import IncomeSource, TariffRequestState
from refectoire.pricing.models import PricingSettings, TariffDecision, TariffGrid, TariffRequest
from refectoire.pricing.quotient import Declaration
from refectoire.schools.models import BillingPeriod
from tests.factories import HouseholdFactory
from tests.pricing.factories import household_of, paris_grid, png_bytes, school_year, upload

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def year(cde11):
    return paris_grid(cde11).school_year


@pytest.fixture
def tariff_request(cde11, year, parent_a):
    household = household_of(parent_a, cde11, children=2, reference="F11-0042")
    return services.tariff_request_submit(
        household=household,
        school_year=year,
        user=parent_a,
        declaration=Declaration(
            income_source=IncomeSource.MONTHLY_RESOURCES, children_count=2, monthly_resources=Decimal("3200")
        ),
        proofs=[upload(), upload("bulletin.png", png_bytes(), "image/png")],
    )


def test_the_home_counts_the_requests_to_handle(client, curl, cde11, agent_cde11, tariff_request):
    client.force_login(agent_cde11)
    response = client.get(curl(cde11, "backoffice:home"))
    queue = next(q for q in response.context["queues"] if q["label"] == "Demandes de tarif")
    assert queue["count"] == 1
    assert queue["url"] == curl(cde11, "backoffice:tariff_requests")


def test_the_queue_lists_and_filters_requests(client, curl, cde11, agent_cde11, tariff_request):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:tariff_requests")
    assert "F11-0042" in client.get(url).content.decode()
    assert "F11-0042" in client.get(url, {"q": "0042"}).content.decode()
    assert "F11-0042" not in client.get(url, {"q": "inconnu"}).content.decode()
    assert "F11-0042" not in client.get(url, {"state": "decided"}).content.decode()
    assert "F11-0042" not in client.get(url, {"source": "tax"}).content.decode()


def test_the_detail_shows_figures_computation_and_proofs(client, curl, cde11, agent_cde11, tariff_request):
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:tariff_request", request_uuid=tariff_request.uuid)
    ).content.decode()
    assert "3\xa0200,00\xa0€" in page
    assert "1\xa0066,67\xa0€" in page
    assert "Tarif 5 (3,62\xa0€ le repas)" in page
    for document in tariff_request.proofs.all():
        url = curl(
            cde11,
            "backoffice:tariff_request_proof",
            request_uuid=tariff_request.uuid,
            document_uuid=document.uuid,
        )
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content)  # read whole: the test client then closes the file
    assert "<img src=" in page  # the image proof is shown in the page


def test_an_agent_decides_and_the_parent_is_told(
    client, curl, cde11, agent_cde11, parent_a, tariff_request, django_capture_on_commit_callbacks
):
    client.force_login(agent_cde11)
    url = curl(cde11, "backoffice:tariff_request_decide", request_uuid=tariff_request.uuid)
    start = services.earliest_start_date(request=tariff_request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"bracket_number": "5", "family_quotient": "1066,67", "start_date": start.isoformat()}
        )
    assert response.status_code == 302
    tariff_request.refresh_from_db()
    assert tariff_request.state == TariffRequestState.DECIDED
    decision = tariff_request.decisions.get()
    assert (decision.bracket_number, decision.family_quotient, decision.decided_by) == (
        5,
        Decimal("1066.67"),
        agent_cde11,
    )
    assert mail.outbox[-1].to == [parent_a.email] and "tarif 5" in mail.outbox[-1].body
    page = client.get(
        curl(cde11, "backoffice:tariff_request", request_uuid=tariff_request.uuid)
    ).content.decode()
    assert "Décidée" in page and "Tarif 5 à partir du" in page


def test_a_retroactive_start_is_refused_next_to_the_field(client, curl, cde11, agent_cde11, tariff_request):
    BillingPeriod.objects.create(
        caisse=cde11,
        school_year=tariff_request.school_year,
        label="Novembre / Décembre 2026",
        start_date=D(2026, 11, 1),
        end_date=D(2026, 12, 31),
    )
    TariffRequest.objects.filter(pk=tariff_request.pk).update(
        sent_at=datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
    )
    client.force_login(agent_cde11)
    response = client.post(
        curl(cde11, "backoffice:tariff_request_decide", request_uuid=tariff_request.uuid),
        {"bracket_number": "4", "family_quotient": "812", "start_date": "2026-10-01"},
    )
    assert response.status_code == 400
    assert "Pas de rétroactivité" in response.content.decode()
    assert not TariffDecision.objects.exists()


def test_an_agent_asks_a_complement_then_refuses(client, curl, cde11, agent_cde11, tariff_request):
    client.force_login(agent_cde11)
    client.post(
        curl(cde11, "backoffice:tariff_request_complement", request_uuid=tariff_request.uuid),
        {"message": "Merci d'envoyer l'avis d'imposition."},
    )
    tariff_request.refresh_from_db()
    assert tariff_request.state == TariffRequestState.NEEDS_INFO
    empty = client.post(curl(cde11, "backoffice:tariff_request_take", request_uuid=tariff_request.uuid))
    assert empty.status_code == 302  # not possible from "à compléter": a message says so
    services.tariff_request_complete(
        request=tariff_request,
        user=tariff_request.sent_by,
        declaration=Declaration.of_request(tariff_request),
    )
    client.post(curl(cde11, "backoffice:tariff_request_take", request_uuid=tariff_request.uuid))
    tariff_request.refresh_from_db()
    assert tariff_request.state == TariffRequestState.IN_REVIEW
    client.post(
        curl(cde11, "backoffice:tariff_request_refuse", request_uuid=tariff_request.uuid),
        {"reason": "Hors délai."},
    )
    tariff_request.refresh_from_db()
    assert tariff_request.state == TariffRequestState.REFUSED
    assert tariff_request.decisions.get().bracket_number == 10
    history = [event.action for event in tariff_request.events.all()]
    assert history == ["submit", "ask_complement", "complete", "take", "refuse"]


def test_households_without_a_decided_tariff_and_the_export(
    client, curl, cde11, agent_cde11, year, tariff_request
):
    waiting = HouseholdFactory(caisse=cde11, reference="F11-0099")
    services.tariff_request_decide(
        request=tariff_request, agent=agent_cde11, bracket_number=5, family_quotient=Decimal("1066.67")
    )
    client.force_login(agent_cde11)
    page = client.get(
        curl(cde11, "backoffice:tariff_households_without"), {"year": str(year.uuid)}
    ).content.decode()
    assert waiting.reference in page and "F11-0042" not in page
    csv = client.get(curl(cde11, "backoffice:tariff_export"), {"year": str(year.uuid)})
    assert csv["Content-Type"].startswith("text/csv")
    start = tariff_request.decisions.get().start_date.isoformat()
    assert (
        csv.content.decode()
        == f"household_ref;bracket;family_quotient;start_date;source\nF11-0042;5;1066.67;{start};request\n"
    )


def test_a_manager_edits_a_grid_until_it_is_frozen(client, curl, cde11, manager_cde11, year):
    grid = TariffGrid.objects.get(caisse=cde11)
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid)
    data = {"adult_meal_price": "7,80", "exceptional_meal_price": "7"}
    for bracket in grid.ordered_brackets():
        data[f"qf_min_{bracket.number}"] = bracket.qf_min
        data[f"qf_max_{bracket.number}"] = "" if bracket.qf_max is None else bracket.qf_max
        data[f"price_{bracket.number}"] = str(bracket.unit_price).replace(".", ",")
    data["price_10"] = "7,10"
    assert client.post(url, data).status_code == 302
    grid.refresh_from_db()
    assert (grid.adult_meal_price, grid.highest_bracket.unit_price) == (Decimal("7.80"), Decimal("7.10"))
    grids.tariff_grid_freeze(grid=grid)
    data["price_10"] = "9,00"
    page = client.post(url, data).content.decode()
    assert "ne peut plus être modifiée" in page
    grid.refresh_from_db()
    assert grid.highest_bracket.unit_price == Decimal("7.10")


def test_a_gap_in_the_grid_is_refused(client, curl, cde11, manager_cde11, year):
    grid = TariffGrid.objects.get(caisse=cde11)
    client.force_login(manager_cde11)
    data = {"adult_meal_price": "7", "exceptional_meal_price": "7"}
    for bracket in grid.ordered_brackets():
        data[f"qf_min_{bracket.number}"] = bracket.qf_min
        data[f"qf_max_{bracket.number}"] = "" if bracket.qf_max is None else bracket.qf_max
        data[f"price_{bracket.number}"] = bracket.unit_price
    data["qf_min_2"] = "240"
    page = client.post(curl(cde11, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid), data).content.decode()
    assert "doit commencer juste après" in page


def test_a_manager_makes_the_grid_of_the_next_year(client, curl, cde11, manager_cde11, year):
    older = paris_grid(cde11, "2025-2026")
    grids.tariff_grid_freeze(grid=older)
    nxt = school_year(cde11, "2026-2027")
    TariffGrid.objects.filter(school_year=nxt).delete()
    client.force_login(manager_cde11)
    response = client.post(
        curl(cde11, "backoffice:tariff_grid_copy", grid_uuid=older.uuid), {"year": str(nxt.uuid)}
    )
    assert response.status_code == 302
    copy = TariffGrid.objects.get(school_year=nxt)
    assert (copy.copied_from, copy.is_frozen) == (older, False)
    page = client.get(curl(cde11, "backoffice:tariff_grids")).content.decode()
    assert "2025-2026" in page and "figée le" in page


def test_a_manager_sets_the_parts_rule_and_the_api_token(client, curl, cde11, manager_cde11):
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:tariff_settings")
    data = {
        "parts_couple": "2",
        "parts_single_parent": "1,5",
        "parts_child_by_rank": "0,5 ; 0,5 ; 1",
        "parts_further_child": "0,5",
        "parts_disabled_child": "1",
        "api_particulier_version": "v2",
        "api_particulier_url": "https://particulier.api.gouv.fr",
        "api_particulier_recipient": "21750001600019",
        "api_particulier_token": "secret-token",
    }
    assert client.post(url, data).status_code == 302
    settings = PricingSettings.objects.get(caisse=cde11)
    assert (settings.parts_single_parent, settings.api_particulier_token) == (Decimal("1.5"), "secret-token")
    assert "secret-token" not in client.get(url).content.decode()
    data.pop("api_particulier_token")
    client.post(url, data)
    settings.refresh_from_db()
    assert settings.api_particulier_token == "secret-token"  # an empty field keeps the token
    assert settings.parts_rule.single_parent == Decimal("1.5")


def test_a_plain_agent_cannot_change_grids(client, curl, cde11, agent_cde11, year):
    client.force_login(agent_cde11)
    assert client.get(curl(cde11, "backoffice:tariff_grids")).status_code == 403
    assert client.get(curl(cde11, "backoffice:tariff_settings")).status_code == 403


@pytest.mark.parametrize("visitor", ["agent_cde19", "manager_cde19", "parent_a"])
def test_every_tariff_url_of_cde11_is_a_404_for_others(
    client, curl, request, cde11, cde19, year, tariff_request, visitor
):
    grid = TariffGrid.objects.get(caisse=cde11)
    document = tariff_request.proofs.first()
    client.force_login(request.getfixturevalue(visitor))
    gets = [
        curl(cde11, "backoffice:tariff_requests"),
        curl(cde11, "backoffice:tariff_request", request_uuid=tariff_request.uuid),
        curl(
            cde11,
            "backoffice:tariff_request_proof",
            request_uuid=tariff_request.uuid,
            document_uuid=document.uuid,
        ),
        curl(cde11, "backoffice:tariff_households_without"),
        curl(cde11, "backoffice:tariff_export"),
        curl(cde11, "backoffice:tariff_grids"),
        curl(cde11, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid),
        curl(cde11, "backoffice:tariff_settings"),
    ]
    posts = [
        curl(cde11, "backoffice:tariff_request_take", request_uuid=tariff_request.uuid),
        curl(cde11, "backoffice:tariff_request_decide", request_uuid=tariff_request.uuid),
        curl(cde11, "backoffice:tariff_request_complement", request_uuid=tariff_request.uuid),
        curl(cde11, "backoffice:tariff_request_refuse", request_uuid=tariff_request.uuid),
        curl(cde11, "backoffice:tariff_grid_copy", grid_uuid=grid.uuid),
        curl(cde11, "backoffice:tariff_grid_create"),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"year": str(tariff_request.school_year.uuid)}).status_code == 404, url
    tariff_request.refresh_from_db()
    assert tariff_request.state == TariffRequestState.SENT


def test_a_cde19_agent_gets_404_on_cde11_objects_through_cde19_urls(
    client, curl, cde11, cde19, agent_cde19, manager_cde19, tariff_request
):
    grid = TariffGrid.objects.get(caisse=cde11)
    client.force_login(manager_cde19)
    document = tariff_request.proofs.first()
    assert (
        client.get(curl(cde19, "backoffice:tariff_request", request_uuid=tariff_request.uuid)).status_code
        == 404
    )
    assert (
        client.get(
            curl(
                cde19,
                "backoffice:tariff_request_proof",
                request_uuid=tariff_request.uuid,
                document_uuid=document.uuid,
            )
        ).status_code
        == 404
    )
    assert client.get(curl(cde19, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid)).status_code == 404
    assert (
        client.post(
            curl(cde19, "backoffice:tariff_request_refuse", request_uuid=tariff_request.uuid)
        ).status_code
        == 404
    )


def grid_data(grid, **changes):
    data = {"adult_meal_price": "7,50", "exceptional_meal_price": "7"}
    for bracket in grid.ordered_brackets():
        data[f"qf_min_{bracket.number}"] = bracket.qf_min
        data[f"qf_max_{bracket.number}"] = "" if bracket.qf_max is None else bracket.qf_max
        data[f"price_{bracket.number}"] = str(bracket.unit_price).replace(".", ",")
    return {**data, **changes}


def test_a_manager_sets_the_panier_repas_price_and_agents_read_it(client, curl, cde11, manager_cde11, year):
    grid = TariffGrid.objects.get(caisse=cde11)
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid)
    page = client.get(url).content.decode()
    assert 'for="id_packed_meal_pricing_0"' in page and 'for="id_packed_meal_value"' in page
    data = grid_data(grid, packed_meal_pricing="share", packed_meal_value="50 %")
    assert client.post(url, data).status_code == 302
    grid.refresh_from_db()
    assert (grid.packed_meal_pricing, grid.packed_meal_value) == ("share", Decimal("50.00"))
    assert (
        "Panier repas (PAI) : 50\xa0% du prix du repas de la tranche"
        in client.get(curl(cde11, "backoffice:tariff_grids")).content.decode()
    )
    grids.tariff_grid_freeze(grid=grid)
    assert "50\xa0% du prix du repas de la tranche" in client.get(url).content.decode()


def test_a_share_above_100_is_said_next_to_its_field_and_the_form_keeps_what_was_typed(
    client, curl, cde11, manager_cde11, year
):
    grid = TariffGrid.objects.get(caisse=cde11)
    client.force_login(manager_cde11)
    url = curl(cde11, "backoffice:tariff_grid_edit", grid_uuid=grid.uuid)
    data = grid_data(grid, packed_meal_pricing="share", packed_meal_value="120", price_10="7,40")
    page = client.post(url, data).content.decode()
    assert 'id="id_packed_meal_value-desc-error"' in page
    assert "entre 0 et 100" in page
    assert 'value="120"' in page and 'value="7,40"' in page
    grid.refresh_from_db()
    assert (grid.packed_meal_value, grid.highest_bracket.unit_price) == (Decimal("0.00"), Decimal("7.00"))
    page = client.post(
        url, grid_data(grid, packed_meal_pricing="fixed", packed_meal_value="")
    ).content.decode()
    assert "Indiquez le montant ou la part" in page
    page = client.post(
        url, grid_data(grid, packed_meal_pricing="fixed", packed_meal_value="-1")
    ).content.decode()
    assert 'id="id_packed_meal_value-desc-error"' in page
    grid.refresh_from_db()
    assert grid.packed_meal_value == Decimal("0.00")
