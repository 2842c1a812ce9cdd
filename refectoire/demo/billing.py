"""Demo: the Paris billing periods of 2026-2027, the invoice counters, and issued invoices of
September / October 2026 for the demo households and the demo adults of the restauration adulte
(once enrollment and pricing data exist)."""

import datetime

from django.db import transaction
from django.utils import timezone

from refectoire.billing.enums import RunState
from refectoire.billing.models import BillingPeriod, BillingRun, InvoiceCounter
from refectoire.billing.services import (
    billing_period_save,
    billing_run_compute,
    billing_run_issue,
    run_totals,
)
from refectoire.caisses.models import Caisse
from refectoire.demo.adultmeals import seed_registrations
from refectoire.schools.models import SchoolYear

# (first day, last day, label): every two months, May / June running into early July.
PERIODS = [
    (datetime.date(2026, 9, 1), datetime.date(2026, 10, 31), "Septembre / Octobre 2026"),
    (datetime.date(2026, 11, 1), datetime.date(2026, 12, 31), "Novembre / Décembre 2026"),
    (datetime.date(2027, 1, 1), datetime.date(2027, 2, 28), "Janvier / Février 2027"),
    (datetime.date(2027, 3, 1), datetime.date(2027, 4, 30), "Mars / Avril 2027"),
    (datetime.date(2027, 5, 1), datetime.date(2027, 7, 3), "Mai / Juin 2027"),
]
FIRST_NUMBERS = {"cde11": 40945, "cde19": 12001}


def _opens_and_due(start: datetime.date, end: datetime.date):
    """Online payment opens on the 2nd of the period's second month at 14h00; due a month after its end."""
    second_month = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=2)
    opens = timezone.make_aware(datetime.datetime.combine(second_month, datetime.time(14, 0)))
    following = (end.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    due = (following.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return opens, due


def seed(*, stdout):
    for caisse in Caisse.objects.filter(slug__in=FIRST_NUMBERS):
        year, _created = SchoolYear.objects.get_or_create(
            caisse=caisse,
            label="2026-2027",
            defaults={"first_day": datetime.date(2026, 9, 1), "last_day": datetime.date(2027, 7, 2)},
        )
        InvoiceCounter.objects.get_or_create(
            caisse=caisse, defaults={"next_number": FIRST_NUMBERS[caisse.slug]}
        )
        periods = []
        for start, end, label in PERIODS:
            opens, due = _opens_and_due(start, end)
            period = BillingPeriod.objects.filter(caisse=caisse, start_date=start).first()
            if period is None:  # the schools step made them already, unless it was left out
                period = billing_period_save(
                    caisse=caisse,
                    school_year=year,
                    start_date=start,
                    end_date=end,
                    label=label,
                    payment_opens_at=opens,
                    due_date=due,
                )
            periods.append(period)
        _issue_first_period(caisse, periods[0], stdout)
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
