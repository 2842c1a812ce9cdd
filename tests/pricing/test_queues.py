"""The agents' tariff queues, read by pricing selectors (issue 14: the filters left the view)."""

from decimal import Decimal

import pytest

from refectoire.pricing import selectors, services
from refectoire.pricing.enums import IncomeSource, TariffRequestState
from refectoire.pricing.models import TariffRequest
from tests.pricing.factories import household_of
from tests.www.backoffice import test_tariff as tariff_screens

pytestmark = pytest.mark.django_db


# The tariff screens' request of F11-0042 (monthly resources) and its year, shared by name.
year = tariff_screens.year
tariff_request = tariff_screens.tariff_request


def queue(cde11, **filters):
    return list(selectors.tariff_requests_queue(caisse=cde11, **filters))


def test_the_queue_shows_the_requests_to_handle_by_default(cde11, cde19, tariff_request):
    assert queue(cde11) == [tariff_request]
    assert selectors.open_tariff_requests_count(caisse=cde11) == 1
    assert queue(cde19) == [] and selectors.open_tariff_requests_count(caisse=cde19) == 0
    TariffRequest.objects.filter(pk=tariff_request.pk).update(state=TariffRequestState.DECIDED)
    assert queue(cde11) == [] and selectors.open_tariff_requests_count(caisse=cde11) == 0
    assert queue(cde11, state="") == [tariff_request]
    assert queue(cde11, state=TariffRequestState.DECIDED) == [tariff_request]


def test_the_queue_filters_by_year_proof_and_household(cde11, year, parent_a, tariff_request):
    assert queue(cde11, school_year_uuid=year.uuid) == [tariff_request]
    assert queue(cde11, income_source=IncomeSource.MONTHLY_RESOURCES) == [tariff_request]
    assert queue(cde11, income_source=IncomeSource.TAX_NOTICE) == []
    assert queue(cde11, query="0042") == [tariff_request]
    assert queue(cde11, query=parent_a.last_name.upper()) == [tariff_request]
    assert queue(cde11, query="inconnu") == []


def test_households_without_a_tariff_are_the_validated_ones_with_no_decision(cde11, year, parent_a, parent_b):
    first = household_of(parent_a, cde11, reference="A")
    second = household_of(parent_b, cde11, reference="B")
    assert list(selectors.households_without_tariff(caisse=cde11, school_year=year)) == [first, second]
    services.tariff_decide_from_import(
        household=first, school_year=year, bracket=3, family_quotient=Decimal("900")
    )
    assert list(selectors.households_without_tariff(caisse=cde11, school_year=year)) == [second]
