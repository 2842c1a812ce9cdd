"""Refunds for illness accepted by the Caisse (billing's Credit) become credit-note lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from refectoire.billing.models import BillingRun, Credit, Invoice
from refectoire.billing.services import billing_run_compute, billing_run_issue
from refectoire.pricing.enums import DecisionSource
from refectoire.pricing.models import TariffDecision
from refectoire.pricing.services import tariff_decide_from_import
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.models import Request
from tests.billing.factories import BillingPeriodFactory, another_period
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
    assert (credit.used_by_invoice, credit.used_by_invoice_id, credit.amount) == (
        invoice,
        invoice.uuid,
        Decimal("6.84"),
    )
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


def issued_january_february(cde11, year):
    january = another_period(cde11, month=1)  # 01/01 – 28/02/2027
    january.school_year = year
    january.save()
    billing_run_issue(run=billing_run_compute(caisse=cde11, period=january))
    return january


def test_a_refund_gives_back_what_was_invoiced_for_those_days_not_a_later_bracket(cde11, setup):
    """Issue 12, item 12: the days billed 7,00 € at tarif 10 are given back 7,00 € each."""
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    issued_january_february(cde11, year)
    billed = Invoice.objects.get(household=household).lines.get(kind="meals")
    assert billed.unit_price == Decimal("7.00")
    # A bracket 4 decision over those days, as one could be recorded before the rule below held.
    TariffDecision.objects.create(
        caisse=cde11,
        household=household,
        school_year=year,
        bracket_number=4,
        start_date=D(2027, 1, 1),
        decided_on=D(2027, 3, 2),
        source=DecisionSource.IMPORT,
    )
    days = [D(2027, 2, 1), D(2027, 2, 2), D(2027, 2, 4), D(2027, 2, 5)]
    assert {day.isoformat() for day in days} <= set(billed.days)
    accepted_refund(household, child, days)
    billing_run_compute(caisse=cde11, period=period)
    credit_line = Invoice.objects.get(household=household, period=period).lines.get(kind="credit")
    assert credit_line.amount == Decimal("-28.00")  # 4 × 7,00 €, not 4 × 2,28 €


def test_a_tariff_decision_never_starts_on_a_day_already_invoiced(cde11, setup):
    year, school, _period = setup
    household, _children = enrolled_family(cde11, year, school)
    issued_january_february(cde11, year)
    with pytest.raises(ValidationError) as error:
        decide(household, year, 4, D(2027, 1, 4))
    assert error.value.message_dict["start_date"] == [
        "Des jours à partir du 04/01/2027 sont déjà facturés : une facture émise ne change pas. "
        "La date d'effet est au plus tôt le 01/03/2027."
    ]
    with pytest.raises(ValidationError):  # the families import too: it starts on the first day of the year
        tariff_decide_from_import(household=household, school_year=year, bracket="4", family_quotient="")
    assert not TariffDecision.objects.filter(household=household).exists()
    assert decide(household, year, 4, D(2027, 3, 1)).start_date == D(2027, 3, 1)
