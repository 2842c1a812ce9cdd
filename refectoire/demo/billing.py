"""Demo: the invoice counters, and issued invoices of September / October 2026 (the first period of
2026-2027, made by the schools step with the others) for the demo households and the demo adults of
the restauration adulte."""

import datetime

from django.db import transaction

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingRun, InvoiceCounter
from refectoire.billing.services import billing_run_compute, billing_run_issue, run_totals
from refectoire.caisses.models import Caisse
from refectoire.demo.adultmeals import seed_registrations
from refectoire.schools.models import BillingPeriod

FIRST_NUMBERS = {"cde11": 40945, "cde19": 12001}
FIRST_PERIOD_STARTS = datetime.date(2026, 9, 1)


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in=FIRST_NUMBERS):
        InvoiceCounter.objects.get_or_create(
            caisse=caisse, defaults={"next_number": FIRST_NUMBERS[caisse.slug]}
        )
        period = BillingPeriod.objects.filter(caisse=caisse, start_date=FIRST_PERIOD_STARTS).first()
        if period is not None:
            _issue_first_period(caisse, period, stdout)
    stdout.write("billing: périodes de facturation 2026-2027")


def _issue_first_period(caisse, period, stdout):
    if BillingRun.objects.filter(period=period, state=RunState.ISSUED).exists():
        return
    seed_registrations(caisse=caisse)  # the adults eating at the canteen get their invoices too
    try:
        with transaction.atomic():
            run = billing_run_compute(caisse=caisse, period=period)
            if not run_totals(period)["count"]:
                transaction.set_rollback(True)  # no enrolled child yet: leave the period unbilled
                return
            billing_run_issue(run=run)
    except LookupError:  # no tariff grid for the year yet: no invoice to make
        return
    stdout.write(f"billing: {caisse.slug} {period.label} émise")
