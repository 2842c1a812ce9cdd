import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from refectoire.pricing import services
from refectoire.pricing.enums import DecisionSource
from tests.factories import HouseholdFactory
from tests.pricing.factories import paris_grid

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_simulate_tariff_prints_quotient_bracket_and_price(cde11):
    paris_grid(cde11)
    output = run(
        "simulate_tariff",
        "--caisse",
        "cde11",
        "--year",
        "2026-2027",
        "--monthly-resources",
        "3200",
        "--parts",
        "3",
    )
    assert output == "qf=1066.67 bracket=5 price=3.62\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--qf", "234.99"], "qf=234.99 bracket=1 price=0.13"),
        (["--qf", "5001"], "qf=5001.00 bracket=10 price=7.00"),
        (["--reference-tax-income", "36000", "--fiscal-parts", "2,5"], "qf=1200.00 bracket=5 price=3.62"),
        (
            ["--monthly-resources", "2000", "--monthly-benefits", "250", "--children", "2"],
            "qf=750.00 bracket=4 price=2.28",
        ),
    ],
)
def test_simulate_tariff_takes_every_kind_of_figure(cde11, args, expected):
    paris_grid(cde11)
    assert run("simulate_tariff", "--caisse", "cde11", "--year", "2026-2027", *args).strip() == expected


def test_simulate_tariff_refuses_an_unknown_year(cde11):
    paris_grid(cde11)
    with pytest.raises(CommandError, match="Année scolaire inconnue"):
        run("simulate_tariff", "--caisse", "cde11", "--year", "2030-2031", "--qf", "100")


def test_export_tariffs_prints_the_latest_decision_of_each_household(cde11, cde19):
    grid = paris_grid(cde11)
    year = grid.school_year
    first = HouseholdFactory(caisse=cde11, reference="F11-0002")
    second = HouseholdFactory(caisse=cde11, reference="F11-0001")
    HouseholdFactory(caisse=cde11, reference="F11-0003")  # no decision: not listed
    services.tariff_decide_from_import(household=first, school_year=year, bracket=3, family_quotient="450.5")
    services.tariff_decision_record(
        household=first,
        school_year=year,
        bracket_number=4,
        family_quotient=Decimal("812"),
        start_date=year.first_day.replace(month=10),
        source=DecisionSource.REQUEST,
    )
    services.tariff_decide_from_import(household=second, school_year=year, bracket=10, family_quotient=None)
    output = run("export_tariffs", "--caisse", "cde11", "--year", "2026-2027")
    assert output == (
        "household_ref;bracket;family_quotient;start_date;source\n"
        "F11-0001;10;;2026-09-01;import\n"
        "F11-0002;4;812.00;2026-10-01;request\n"
    )


def test_export_tariffs_refuses_an_unknown_caisse(db):
    with pytest.raises(CommandError, match="Caisse inconnue"):
        run("export_tariffs", "--caisse", "cde99", "--year", "2026-2027")


def test_the_demo_ships_the_paris_grid_for_both_caisses_and_years(cde11, cde19):
    from refectoire.demo import pricing as demo
    from refectoire.pricing.models import TariffGrid

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    grids = TariffGrid.objects.order_by("caisse__slug", "school_year__first_day")
    assert [(g.caisse.slug, g.school_year.label, g.brackets.count()) for g in grids] == [
        ("cde11", "2025-2026", 10),
        ("cde11", "2026-2027", 10),
        ("cde19", "2025-2026", 10),
        ("cde19", "2026-2027", 10),
    ]
