"""An issued billing period never changes, whatever path saves it (issue 14).

The rule lives in the model: its validation names the changed fields, and its save() refuses the
change even when no full_clean() ran (the copy of the period screen under « Années scolaires »
used to save the period itself).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun
from refectoire.schools.models import BillingPeriod
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def issued_period(cde11):
    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(caisse=cde11, period=period, state=RunState.ISSUED, issued_at=timezone.now())
    return period


def stored(period):
    return BillingPeriod.objects.get(pk=period.pk)


def test_saving_an_issued_period_refuses_to_move_its_end_date(issued_period):
    issued_period.end_date = D(2027, 5, 15)
    with pytest.raises(ValidationError, match="déjà facturée"):
        issued_period.save()
    assert stored(issued_period).end_date == D(2027, 4, 30)


def test_an_issued_period_refuses_any_change_in_its_validation(issued_period):
    issued_period.due_date = D(2027, 6, 30)
    issued_period.label = "Mars / Avril 2027 bis"
    with pytest.raises(ValidationError) as error:
        issued_period.full_clean()
    assert set(error.value.message_dict) == {"due_date", "label"}
    with pytest.raises(ValidationError):
        issued_period.save()
    assert (stored(issued_period).due_date, stored(issued_period).label) == (
        D(2027, 5, 31),
        "Mars / Avril 2027",
    )


def test_its_dates_are_named_in_the_validation(issued_period):
    issued_period.end_date = D(2027, 5, 15)
    with pytest.raises(ValidationError) as error:
        issued_period.full_clean()
    assert error.value.message_dict == {
        "end_date": ["Cette période est déjà facturée : ses dates ne peuvent plus changer."]
    }


def test_a_period_holding_issued_invoices_is_frozen_whatever_its_run_says(cde11):
    period = BillingPeriodFactory(caisse=cde11)
    InvoiceFactory(caisse=cde11, period=period, issued=True)
    BillingRun.objects.create(caisse=cde11, period=period, state=RunState.FAILED, error="IntegrityError")
    period.start_date = D(2027, 3, 2)
    with pytest.raises(ValidationError):
        period.save()
    assert stored(period).start_date == D(2027, 3, 1)


def test_an_issued_period_saved_unchanged_is_accepted(issued_period):
    issued_period.full_clean()
    issued_period.save()


@pytest.mark.parametrize("state", [RunState.DRAFT, RunState.FAILED])
def test_a_period_not_yet_issued_still_changes(cde11, state):
    period = BillingPeriodFactory(caisse=cde11)
    BillingRun.objects.create(caisse=cde11, period=period, state=state)
    period.end_date = D(2027, 5, 15)
    period.due_date = D(2027, 6, 30)
    period.full_clean()
    period.save()
    assert (stored(period).end_date, stored(period).due_date) == (D(2027, 5, 15), D(2027, 6, 30))


def test_issued_lists_the_periods_whose_run_is_issued_with_when(cde11, issued_period):
    draft = BillingPeriodFactory(
        caisse=cde11, label="Mai / Juin 2027", start_date=D(2027, 5, 1), end_date=D(2027, 6, 30)
    )
    BillingRun.objects.create(caisse=cde11, period=draft, state=RunState.DRAFT)
    run = issued_period.run
    assert list(BillingPeriod.objects.for_caisse(cde11).issued().values_list("pk", "issued_at")) == [
        (issued_period.pk, run.issued_at)
    ]
