"""Issue 16: « Mon espace » tells the next debit from what it read (`with_debit_flags` on the unpaid
invoices, `with_debit_summary` on the household), without the queries of `debit_plans_of`. The
flagged reading must say exactly what the queried one says, in every state an invoice of a family
with a mandate can be in."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from refectoire.billing.models import Invoice
from refectoire.directdebit.enums import MandateState
from refectoire.directdebit.models import Mandate
from refectoire.directdebit.selectors import (
    debit_days_of,
    debit_plans_of,
    next_debit,
    next_debit_day,
    with_debit_flags,
    with_debit_summary,
)
from refectoire.directdebit.services import batch_generate, debit_cancel, debit_reject
from refectoire.households.models import Household
from refectoire.payments.models import PayfipSettings
from refectoire.payments.services import payfip_operation_start
from tests.directdebit.helpers import issued_period, setup_sepa, sign
from tests.directdebit.test_stays_and_cancel import stay_invoice

pytestmark = pytest.mark.django_db


def family_in_every_state(caisse, household, parent, agent):
    """`household`'s invoices, one per state: planned, sent, rejected, cancelled by an agent, with a
    card payment in progress, a stay (OOFF), a period whose batch was generated before the mandate."""
    PayfipSettings.objects.create(caisse=caisse, numcli="123456", backend="dummy")
    _, (frozen,) = issued_period(caisse, [household], month=9, total=Decimal("11.00"))
    batch_generate(caisse=caisse, period=frozen.period)  # nothing to debit yet: the batch is empty
    _, (paying,) = issued_period(caisse, [household], month=8, total=Decimal("12.00"))
    payfip_operation_start(
        caisse=caisse,
        household=household,
        invoices=[paying],
        user=parent,
        return_url="http://127.0.0.1/retour",
        notify_url="http://127.0.0.1/notification",
    )
    sign(household, parent)
    states = {"frozen": frozen, "paying": paying}
    _, (states["sent"],) = issued_period(caisse, [household], month=1, total=Decimal("13.00"))
    batch_generate(caisse=caisse, period=states["sent"].period)
    _, (states["rejected"],) = issued_period(caisse, [household], month=2, total=Decimal("14.00"))
    debit_reject(
        debit=batch_generate(caisse=caisse, period=states["rejected"].period).debits.get(), reason_code="AM04"
    )
    _, (states["cancelled"],) = issued_period(caisse, [household], month=3, total=Decimal("15.00"))
    debit_cancel(invoice=states["cancelled"], actor=agent, reason="Famille partie")
    _, (states["planned"],) = issued_period(caisse, [household], month=4, total=Decimal("16.00"))
    states["stay"] = stay_invoice(caisse, household, price=Decimal("17.00"))
    return states


def test_the_flagged_invoices_give_the_same_plans_in_fewer_queries(cde11, household_a, parent_a, agent_cde11):
    setup_sepa(cde11, debit_stays=True)
    states = family_in_every_state(cde11, household_a, parent_a, agent_cde11)
    plain = list(Invoice.objects.filter(household=household_a))
    flagged = list(with_debit_flags(Invoice.objects.filter(household=household_a)))
    with CaptureQueriesContext(connection) as queried:
        expected = debit_plans_of(plain)
    with CaptureQueriesContext(connection) as read:
        assert debit_plans_of(flagged) == expected
    assert set(expected) == {states["sent"].pk, states["planned"].pk, states["stay"].pk}
    assert len(read) < len(queried)
    assert all("debitcancellation" not in query["sql"] for query in read.captured_queries)
    # The online payment guard's days: the plans' days, flagged or not.
    days = {pk: plan.collection_date for pk, plan in expected.items()}
    assert debit_days_of(plain) == days
    with CaptureQueriesContext(connection) as read:
        assert debit_days_of(flagged) == days
    # Outside a request the Caisse's settings are read again (in one, the reference cache): nothing else.
    assert all('"directdebit_sepasettings"' in query["sql"] for query in read.captured_queries)


@pytest.mark.parametrize("mandate", ["none", "active", "suspended"])
def test_the_tile_reads_the_same_next_debit_without_a_query(
    cde11, household_a, parent_a, household_b, parent_b, agent_cde11, mandate
):
    setup_sepa(cde11, debit_stays=True)
    if mandate != "none":
        family_in_every_state(cde11, household_a, parent_a, agent_cde11)
    if mandate == "suspended":
        Mandate.objects.filter(household=household_a).update(state=MandateState.SUSPENDED)
    # A neighbour's sooner, bigger debit is never the family's.
    sign(household_b, parent_b)
    period, (neighbour,) = issued_period(cde11, [household_b], month=6, total=Decimal("99.00"))
    batch_generate(caisse=cde11, period=period)
    household_b.invoices.update(issued_at=timezone.now() - timezone.timedelta(days=10))
    today = timezone.localdate()
    household = with_debit_summary(Household.objects.filter(pk=household_a.pk), today=today).get()
    unpaid = list(with_debit_flags(Invoice.objects.filter(household=household_a).unpaid()))
    with CaptureQueriesContext(connection) as read:
        found = next_debit_day(household, unpaid, today=today)
    # Outside a request the Caisse's settings are read again (in one, the process's reference cache
    # holds them): nothing else.
    assert all('"directdebit_sepasettings"' in query["sql"] for query in read.captured_queries)
    expected = next_debit(household_a)
    if mandate == "none":
        assert found is None and expected is None and not household.debit_live_mandate
        return
    assert household.debit_live_mandate
    assert (found.collection_date, found.amount) == (expected.collection_date, expected.amount)
    assert found.amount.as_tuple().exponent == -2  # cents, as every amount (SQLite's subquery too)
    # Active: the planned invoices (16 €, the stay 17 €) and the sent one (13 €) fall on the same day;
    # the soonest is one of the family's, never the neighbour's 99 €.
    assert found.amount in {Decimal("13.00"), Decimal("16.00"), Decimal("17.00")}


def test_the_dashboard_tile_tells_the_next_debit_or_the_mandate(client, curl, cde11, household_a, parent_a):
    setup_sepa(cde11)
    client.force_login(parent_a)
    url = curl(cde11, "portal:dashboard")
    assert "Aucun mandat" in client.get(url).content.decode()
    sign(household_a, parent_a)
    client.force_login(parent_a)
    assert "Mandat signé" in client.get(url).content.decode()
    period, (invoice,) = issued_period(cde11, [household_a], month=4, total=Decimal("42.00"))
    day = next_debit(household_a).collection_date
    expected = f"Prochain prélèvement le {day:%d/%m/%Y} : 42,00\u00a0€"
    assert expected in client.get(url).content.decode()
    batch_generate(caisse=cde11, period=period)  # sent: the invoice is settled, the debit still to come
    assert expected in client.get(url).content.decode()
