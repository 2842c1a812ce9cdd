"""One billing run per period at a time (issue 13, defect 3).

Two runs of one period started a few seconds apart used to overlap: the second died on an
IntegrityError, marked the issued period `failed`, every later run failed with a raw traceback and
the period's dates could then change. The run lock is taken before anything is computed; the second
run is told plainly that one is in progress or that the period is issued.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from refectoire.billing.enums import RunState
from refectoire.billing.locks import billing_period_lock
from refectoire.billing.models import BillingRun, Invoice
from refectoire.billing.services import billing_period_save, billing_run_compute, billing_run_issue
from tests.billing.factories import BillingPeriodFactory, InvoiceFactory
from tests.billing.runs import D, billing_setup, enrolled_family

IN_PROGRESS = "est déjà en cours"
ISSUED = "déjà émise"


def families(caisse, count=4):
    year, school, period = billing_setup(caisse)
    for index in range(count):
        enrolled_family(caisse, year, school, reference=f"F{index:03d}")
    return period


class Holder:
    """A thread that takes the period's run lock through `action` and keeps it until released."""

    def __init__(self, action):
        self.holding, self.release, self.errors = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self.work, args=(action,))

    def work(self, action):
        try:
            action(self)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(error)
        finally:
            self.holding.set()
            connection.close()

    def wait_here(self):
        self.holding.set()
        assert self.release.wait(60), "the test never released the holder"

    def __enter__(self):
        self.thread.start()
        assert self.holding.wait(60)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(60)


@pytest.mark.django_db(transaction=True)
def test_a_second_run_of_a_period_being_computed_is_refused_plainly_and_changes_nothing(cde11):
    period = families(cde11)

    def first_run(holder):
        def progress(done, total):
            if done == 2:
                holder.wait_here()  # in the middle of the computation

        run = billing_run_compute(caisse=cde11, period=period, chunk_size=1, progress=progress)
        billing_run_issue(run=run)

    with Holder(first_run) as holder:
        with pytest.raises(ValidationError, match=IN_PROGRESS):
            billing_run_compute(caisse=cde11, period=period)
        with pytest.raises(ValidationError, match=IN_PROGRESS):
            billing_run_issue(run=BillingRun.objects.get(period=period))
        assert BillingRun.objects.get(period=period).state == RunState.COMPUTING
    assert holder.errors == []
    run = BillingRun.objects.get(period=period)
    assert run.state == RunState.ISSUED
    assert Invoice.objects.filter(period=period, number__isnull=False).count() == 4

    # Once issued, a new run is refused as such, and the run stays issued.
    with pytest.raises(ValidationError, match=ISSUED):
        billing_run_compute(caisse=cde11, period=period)
    assert BillingRun.objects.get(period=period).state == RunState.ISSUED


@pytest.mark.django_db(transaction=True)
def test_the_command_started_twice_tells_the_second_that_a_run_is_in_progress(cde11):
    period = families(cde11, count=1)

    def other_process(holder):
        with billing_period_lock(period):
            holder.wait_here()

    with Holder(other_process), pytest.raises(CommandError, match=IN_PROGRESS):
        call_command("billing_run", "--caisse", "cde11", "--period", "2027-03", "--issue")
    assert not Invoice.objects.filter(period=period).exists()

    call_command("billing_run", "--caisse", "cde11", "--period", "2027-03", "--issue")
    with pytest.raises(CommandError, match=ISSUED):
        call_command("billing_run", "--caisse", "cde11", "--period", "2027-03", "--issue")
    assert BillingRun.objects.get(period=period).state == RunState.ISSUED


@pytest.fixture
def damaged_period(cde11):
    """A period whose invoices are issued but whose run says `failed` (left so by an overlap)."""
    period = BillingPeriodFactory(caisse=cde11)
    InvoiceFactory(caisse=cde11, period=period, issued=True)
    BillingRun.objects.create(caisse=cde11, period=period, state=RunState.FAILED, error="IntegrityError")
    return period


def test_a_run_of_a_period_with_issued_invoices_is_refused_and_the_run_put_back_to_issued(
    cde11, damaged_period
):
    with pytest.raises(ValidationError, match=ISSUED):
        billing_run_compute(caisse=cde11, period=damaged_period)
    run = BillingRun.objects.get(period=damaged_period)
    assert (run.state, run.error) == (RunState.ISSUED, "")


def test_an_issued_period_keeps_its_dates_in_the_service(cde11, damaged_period):
    with pytest.raises(ValidationError):
        billing_period_save(caisse=cde11, period=damaged_period, end_date=D(2027, 5, 15))
    damaged_period.refresh_from_db()
    assert damaged_period.end_date == D(2027, 4, 30)


def billing_screen(curl, cde11, period, end):
    url = curl(cde11, "backoffice:billing_period_edit", period_uuid=period.uuid)
    data = {
        "school_year": period.school_year_id,
        "label": period.label,
        "start_date": "2027-03-01",
        "end_date": end,
        "payment_opens_at": "2027-04-02T14:00",
        "due_date": "2027-05-31",
    }
    return url, data


def school_years_screen(curl, cde11, period, end):
    """The link of « Années scolaires » leads to the same screen, told which year it comes from."""
    url = (
        curl(cde11, "backoffice:billing_period_edit", period_uuid=period.uuid)
        + f"?annee={period.school_year.uuid}"
    )
    return url, billing_screen(curl, cde11, period, end)[1]


@pytest.mark.parametrize("screen", [billing_screen, school_years_screen])
@pytest.mark.parametrize("run_state", [RunState.ISSUED, RunState.FAILED])
def test_no_screen_changes_the_dates_of_an_issued_period(
    client, curl, cde11, manager_cde11, damaged_period, screen, run_state
):
    BillingRun.objects.filter(period=damaged_period).update(state=run_state)
    client.force_login(manager_cde11)
    url, data = screen(curl, cde11, damaged_period, "2027-05-15")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "déjà facturée" in response.content.decode()
    assert 'value="2027-05-15"' in response.content.decode()  # what was typed is kept
    damaged_period.refresh_from_db()
    assert damaged_period.end_date == D(2027, 4, 30)


@pytest.mark.parametrize("screen", [billing_screen, school_years_screen])
def test_a_period_not_issued_still_changes_its_dates(client, curl, cde11, manager_cde11, screen):
    period = BillingPeriodFactory(caisse=cde11)
    client.force_login(manager_cde11)
    url, data = screen(curl, cde11, period, "2027-05-15")
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    assert period.end_date == D(2027, 5, 15)
