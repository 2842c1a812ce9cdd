"""Refunds for illness accepted by the Caisse (requests' Credit) become credit-note lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from refectoire.billing.models import BillingRun, Invoice
from refectoire.billing.services import billing_run_compute, billing_run_issue
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Credit, Request
from tests.billing.factories import BillingPeriodFactory
from tests.billing.runs import D, billing_setup, decide, enrolled_family


def accepted_refund(household, child, days):
    request = Request.objects.create(
        caisse=household.caisse,
        household=household,
        kind=RequestKind.ILLNESS_REFUND,
        state=RequestState.ACCEPTED,
    )
    return Credit.objects.create(
        caisse=household.caisse,
        household=household,
        child=child,
        request=request,
        days=[day.isoformat() for day in days],
        meal_count=len(days),
    )


@pytest.fixture
def setup(cde11):
    return billing_setup(cde11)


def test_an_unused_credit_is_priced_at_the_bracket_of_each_day_and_deducted(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    decide(household, year, 4, D(2026, 9, 1))
    credit = accepted_refund(household, child, [D(2027, 2, 1), D(2027, 2, 2), D(2027, 2, 3)])
    run = billing_run_compute(caisse=cde11, period=period)
    invoice = Invoice.objects.get(household=household)
    credit_line = invoice.lines.get(kind="credit")
    assert (credit_line.amount, credit_line.child, credit_line.credit_id) == (
        Decimal("-6.84"),
        None,
        credit.pk,
    )
    assert "3 repas" in credit_line.label
    meals = invoice.lines.get(kind="meals")
    assert invoice.total == meals.amount - Decimal("6.84")
    credit.refresh_from_db()
    assert credit.used_by_invoice is None  # a draft uses nothing
    billing_run_issue(run=run)
    credit.refresh_from_db()
    invoice.refresh_from_db()
    assert (credit.used_by_invoice, credit.amount) == (invoice.uuid, Decimal("6.84"))
    assert credit.used_at is not None


def test_a_used_credit_is_not_deducted_again(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    accepted_refund(household, child, [D(2027, 2, 1), D(2027, 2, 2), D(2027, 2, 3)])
    billing_run_issue(run=billing_run_compute(caisse=cde11, period=period))
    may = BillingPeriodFactory(
        caisse=cde11,
        school_year=year,
        start_date=D(2027, 5, 1),
        end_date=D(2027, 7, 2),
        label="Mai / Juin 2027",
    )
    billing_run_compute(caisse=cde11, period=may)
    assert not Invoice.objects.get(period=may).lines.filter(kind="credit").exists()


def test_a_credit_in_two_drafts_is_refused_at_the_second_issue(cde11, setup):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    accepted_refund(household, child, [D(2027, 2, 1), D(2027, 2, 2), D(2027, 2, 3)])
    may = BillingPeriodFactory(
        caisse=cde11,
        school_year=year,
        start_date=D(2027, 5, 1),
        end_date=D(2027, 7, 2),
        label="Mai / Juin 2027",
    )
    march_run = billing_run_compute(caisse=cde11, period=period)
    may_run = billing_run_compute(caisse=cde11, period=may)
    billing_run_issue(run=march_run)
    with pytest.raises(ValidationError):
        billing_run_issue(run=may_run)
    assert BillingRun.objects.get(pk=may_run.pk).state == "draft"
    assert Invoice.objects.get(period=may).number is None
