from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from refectoire.stays.enums import ChoiceState
from refectoire.stays.invoicing import stay_choice_mark_invoiced, stay_invoices_due, stay_price_for
from tests.billing.factories import InvoiceFactory
from tests.stays.factories import HolidayStayFactory, StayChoiceFactory

pytestmark = pytest.mark.django_db


def test_the_price_of_a_stay_follows_the_bracket(cde19):
    stay = HolidayStayFactory(caisse=cde19)
    assert stay_price_for(stay, 1) == Decimal("30.00")
    assert stay_price_for(stay, 10) == Decimal("300.00")


def test_a_fixed_price_is_the_same_for_every_bracket(cde19):
    stay = HolidayStayFactory(caisse=cde19, fixed_price=Decimal("85.50"))
    assert {stay_price_for(stay, bracket) for bracket in range(1, 11)} == {Decimal("85.50")}


def test_a_stay_without_a_price_for_the_bracket_is_an_error(cde19):
    stay = HolidayStayFactory(caisse=cde19, with_prices=False)
    with pytest.raises(ValueError):
        stay_price_for(stay, 3)


def test_confirmed_stays_not_yet_invoiced_are_due_at_the_bracket_of_the_first_day(cde19, cde11):
    stay = HolidayStayFactory(caisse=cde19)
    confirmed = StayChoiceFactory(stay=stay, state=ChoiceState.CONFIRMED)
    StayChoiceFactory(stay=stay, state=ChoiceState.ALLOCATED)
    StayChoiceFactory(stay=HolidayStayFactory(caisse=cde11), state=ChoiceState.CONFIRMED)
    asked = []

    def bracket_number_for(*, household, day):
        asked.append((household, day))
        return 4

    (due,) = stay_invoices_due(cde19, bracket_number_for=bracket_number_for)
    assert due.choice == confirmed
    assert due.amount == Decimal("120.00")
    assert asked == [(confirmed.application.household, stay.start_date)]
    household = confirmed.application.household
    first = InvoiceFactory(caisse=cde19, household=household, period=None, issued=True, with_line=False)
    second = InvoiceFactory(caisse=cde19, household=household, period=None, issued=True, with_line=False)
    stay_choice_mark_invoiced(choice=confirmed, invoice=first)
    assert stay_invoices_due(cde19, bracket_number_for=bracket_number_for) == []
    with pytest.raises(ValidationError):
        stay_choice_mark_invoiced(choice=confirmed, invoice=second)
    confirmed.refresh_from_db()
    assert confirmed.invoice == first and confirmed.invoiced_at is not None
