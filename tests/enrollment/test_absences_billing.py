"""Absences in the billing run: an accepted absence is not billed, a refused one is; an absence
accepted after its period was invoiced leaves the issued invoice as it is, and the screens say so."""

import pytest

from refectoire.billing.models import BillingRun, Invoice
from refectoire.billing.services import billing_run_compute, billing_run_issue
from refectoire.enrollment.absences import (
    absence_accept,
    absence_create,
    absence_refuse,
    absence_rules_ensure,
)
from refectoire.enrollment.enums import AbsenceState
from refectoire.enrollment.selectors import invoiced_days, meal_days
from refectoire.requests.rules import canteen_days
from tests.billing.runs import D, billing_setup, enrolled_family, invoice_lines, naive_lines

pytestmark = pytest.mark.django_db

ABSENT = [D(2027, 3, 8), D(2027, 3, 9), D(2027, 3, 10)]


@pytest.fixture
def setup(cde11):
    absence_rules_ensure(caisse=cde11)
    return billing_setup(cde11)


def meal_days_billed(household):
    return [day for line in Invoice.objects.get(household=household).lines.all() for day in line.days]


def test_an_accepted_absence_is_not_billed_and_a_refused_one_is(cde11, setup, agent_cde11):
    year, school, period = setup
    accepted_household, (accepted_child,) = enrolled_family(cde11, year, school)
    refused_household, (refused_child,) = enrolled_family(cde11, year, school)
    pending_household, (pending_child,) = enrolled_family(cde11, year, school)
    absence_create(
        household=accepted_household, child=accepted_child, first_day=ABSENT[0], last_day=ABSENT[-1],
        state=AbsenceState.PENDING,
    )  # fmt: skip
    absence_accept(absence=accepted_household.absences.get(), actor=agent_cde11)
    refused = absence_create(
        household=refused_household, child=refused_child, first_day=ABSENT[0], last_day=ABSENT[-1],
        state=AbsenceState.PENDING,
    )  # fmt: skip
    absence_refuse(absence=refused, actor=agent_cde11, message="Hors délai.")
    absence_create(
        household=pending_household, child=pending_child, first_day=ABSENT[0], last_day=ABSENT[-1],
        state=AbsenceState.PENDING,
    )  # fmt: skip
    billing_run_compute(caisse=cde11, period=period)
    accepted_days = meal_days_billed(accepted_household)
    refused_days = meal_days_billed(refused_household)
    assert not {day.isoformat() for day in ABSENT} & set(accepted_days)
    assert {day.isoformat() for day in ABSENT} <= set(refused_days)
    assert len(refused_days) - len(accepted_days) == 3
    assert meal_days_billed(pending_household) == refused_days  # waiting: still billed
    assert invoice_lines(period) == naive_lines(cde11, period)


def test_an_absence_accepted_after_the_invoice_was_issued_does_not_change_it(
    client, curl, cde11, setup, agent_cde11, manager_cde11, parent_a
):
    year, school, period = setup
    household, (child,) = enrolled_family(cde11, year, school)
    household.guardians.update(user=parent_a)
    absence = absence_create(
        household=household, child=child, first_day=ABSENT[0], last_day=ABSENT[-1], state=AbsenceState.PENDING
    )
    billing_run_compute(caisse=cde11, period=period)
    billing_run_issue(run=BillingRun.objects.get(period=period), actor=manager_cde11)
    invoice = Invoice.objects.get(household=household)
    before = (invoice.total, sorted(meal_days_billed(household)))
    client.force_login(agent_cde11)
    page = client.get(curl(cde11, "backoffice:absence_detail", absence_uuid=absence.uuid)).content.decode()
    assert "sont sur une facture déjà émise" in page and "demande de remboursement pour maladie" in page
    absence_accept(absence=absence, actor=agent_cde11)
    invoice.refresh_from_db()
    assert (invoice.total, sorted(meal_days_billed(household))) == before
    assert invoiced_days(absence) == ABSENT
    # The invoiced days stay meal days: a refund for illness still counts them.
    assert canteen_days(child, household, ABSENT[0], ABSENT[-1]) == ABSENT
    assert meal_days(caisse=cde11, start=ABSENT[0], end=ABSENT[-1])[household.pk, child.pk] == ABSENT
    client.force_login(parent_a)
    page = client.get(curl(cde11, "portal:absence_list")).content.decode()
    assert "figurent sur une facture déjà émise : elle n'est pas modifiée" in page
