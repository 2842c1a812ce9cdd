"""The « Tarif » tiles of the dashboard: last year's reads what applied, this year's the request."""

import datetime
from decimal import Decimal

import pytest

from refectoire.pricing import services
from refectoire.pricing.enums import DecisionSource, IncomeSource
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.selectors import dashboard_tariff_years, tariff_tile
from refectoire.www.portal.tiles import tariff_tiles
from tests.pricing.factories import household_of, paris_grid, school_year, upload

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def years(cde11):
    return paris_grid(cde11, "2025-2026").school_year, paris_grid(cde11, "2026-2027").school_year


@pytest.fixture
def household(cde11, parent_a):
    return household_of(parent_a, cde11, children=2)


def test_the_dashboard_shows_last_year_and_the_year_open_to_requests(cde11, years):
    last, current = years
    assert dashboard_tariff_years(caisse=cde11, today=D(2026, 12, 2)) == [(last, True), (current, False)]
    # In June, the next year's grid is out: the year still going on becomes "last year".
    assert dashboard_tariff_years(caisse=cde11, today=D(2026, 6, 15)) == [(last, True), (current, False)]


def test_a_caisse_with_one_year_shows_one_tile_and_none_without_years(cde11, cde19):
    year = paris_grid(cde11, "2026-2027").school_year
    assert dashboard_tariff_years(caisse=cde11, today=D(2026, 12, 2)) == [(year, False)]
    assert dashboard_tariff_years(caisse=cde19, today=D(2026, 12, 2)) == []


def test_after_the_last_year_is_over_it_stays_the_current_one(cde11, years):
    last, current = years
    assert dashboard_tariff_years(caisse=cde11, today=D(2027, 8, 20)) == [(last, True), (current, False)]


def test_last_years_tile_reads_the_decided_bracket_price_and_dates(household, years):
    last, _current = years
    services.tariff_decide_from_import(
        household=household, school_year=last, bracket=3, family_quotient="450"
    )
    tile = tariff_tile(household=household, school_year=last, past=True)
    assert tile.title == "Tarif 2025-2026"
    assert tile.text == "Tarif 3 : 1,62\xa0€ par repas du 01/09/2025 au 03/07/2026."
    assert tile.state_label == "Aucune demande"  # an imported decision, no request
    assert tile.school_year_uuid == last.uuid  # the screens link it, pricing builds no URL
    assert f"/cde11/mon-espace/tarif/{last.uuid}/" in [tile.url for tile in tariff_tiles(household)]


def changed_in_the_year(household, year):
    """Tariff 5 imported for `year`, then tariff 2 from 05/01/2026 on a request."""
    services.tariff_decide_from_import(household=household, school_year=year, bracket=5, family_quotient=None)
    services.tariff_decision_record(
        household=household,
        school_year=year,
        bracket_number=2,
        family_quotient=Decimal("300"),
        start_date=D(2026, 1, 5),
        source=DecisionSource.REQUEST,
        decided_on=D(2025, 12, 20),
    )


def test_a_decision_changed_in_the_year_gives_each_span(household, years):
    last, _current = years
    changed_in_the_year(household, last)
    text = tariff_tile(household=household, school_year=last, past=True).text
    assert text == (
        "Tarif 5 : 3,62\xa0€ par repas du 01/09/2025 au 04/01/2026 ; "
        "Tarif 2 : 0,85\xa0€ par repas du 05/01/2026 au 03/07/2026."
    )


def test_without_decision_last_years_tile_reads_the_highest_bracket(household, years):
    last, _current = years
    tile = tariff_tile(household=household, school_year=last, past=True)
    assert tile.text == (
        "Tarif 10 : 7,00\xa0€ par repas du 01/09/2025 au 03/07/2026 (aucun justificatif de ressources)."
    )


def test_this_years_tile_tells_the_request_state(household, years, parent_a):
    _last, current = years
    assert (
        "Demande de tarif dégressif 2026-2027 à faire"
        in tariff_tile(household=household, school_year=current).text
    )
    services.tariff_request_submit(
        household=household,
        school_year=current,
        user=parent_a,
        declaration=Declaration(
            income_source=IncomeSource.MONTHLY_RESOURCES,
            single_parent=False,
            children_count=2,
            monthly_resources=Decimal("3200"),
            monthly_benefits=Decimal("0"),
        ),
        proofs=[upload()],
    )
    tile = tariff_tile(household=household, school_year=current)
    assert (tile.state, tile.state_label) == ("sent", "Envoyée")
    assert tile.text.startswith("Demande envoyée le ")


def test_a_grid_missing_for_last_year_is_said(cde11, household):
    year = school_year(cde11, "2025-2026")
    paris_grid(cde11, "2026-2027")
    tile = tariff_tile(household=household, school_year=year, past=True)
    assert tile.text == "Aucune grille tarifaire pour l'année 2025-2026."


def test_the_decisions_read_once_give_the_same_spans_as_the_query(cde11, household, years, parent_b):
    """« Mon espace » reads the household's decisions once (`household_decisions`) for today's tariff
    and last year's tile: every window gives what the query of `brackets_in_force` gives, the
    neighbour's decisions read by the page being left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from refectoire.pricing.selectors import brackets_in_force, caisse_pricing, household_decisions
    from refectoire.www.common.tariff import tariff_in_force_text

    last, current = years
    neighbour = household_of(parent_b, cde11)
    changed_in_the_year(household, last)
    services.tariff_decide_from_import(
        household=household, school_year=current, bracket=3, family_quotient="450"
    )
    services.tariff_decide_from_import(
        household=neighbour, school_year=last, bracket=1, family_quotient="100"
    )
    decisions = household_decisions(household) + household_decisions(neighbour)
    known = caisse_pricing(caisse=cde11.pk)
    windows = [
        (last.first_day, last.last_day),
        (D(2026, 1, 4), D(2026, 1, 5)),
        (D(2025, 12, 1), D(2026, 9, 30)),
        (current.first_day, current.first_day),
        (D(2026, 12, 8), D(2026, 12, 8)),
    ]
    for start, end in windows:
        queried = brackets_in_force(caisse=cde11, start=start, end=end, household_ids=[household.pk])
        with CaptureQueriesContext(connection) as read:
            given = brackets_in_force(
                caisse=cde11,
                start=start,
                end=end,
                household_ids=[household.pk],
                known=known,
                decisions=decisions,
            )
        assert given == queried, (start, end)
        assert len(read) == 0
    today = D(2026, 12, 8)
    assert (
        tariff_in_force_text(household, today, known=known, decisions=decisions)
        == tariff_in_force_text(household, today)
        == "Tarif 3 : 1,62\xa0€ par repas"
    )
    assert tariff_tile(household=household, school_year=last, past=True, decisions=decisions) == tariff_tile(
        household=household, school_year=last, past=True
    )
    with pytest.raises(ValueError):
        brackets_in_force(caisse=cde11, start=today, end=today, decisions=decisions)
