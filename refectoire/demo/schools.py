"""Demo: schools of the 11e and 19e, school years 2025-2026 and 2026-2027 with their calendars
(zone C), and the Paris billing periods."""

import datetime

from django.utils import timezone

from refectoire.billing.services import billing_period_save
from refectoire.caisses.models import Caisse
from refectoire.schools.models import BillingPeriod, School, SchoolYear
from refectoire.schools.services import school_year_create

SCHOOLS = {
    "cde11": [
        ("0750011A", "École maternelle Keller", "maternelle", "21 rue Keller, 75011 Paris", "12345"),
        ("0750011B", "École élémentaire Keller", "elementaire", "17 rue Keller, 75011 Paris", "12345"),
        (
            "0750011C",
            "École élémentaire Parmentier",
            "elementaire",
            "65 avenue Parmentier, 75011 Paris",
            "12345",
        ),
        ("0750011D", "École polyvalente Popincourt", "polyvalente", "4 rue Popincourt, 75011 Paris", "12345"),
        (
            "0750011E",
            "École maternelle Belleville",
            "maternelle",
            "122 boulevard de Belleville, 75011 Paris",
            "1245",
        ),
    ],
    "cde19": [
        ("0750019A", "École maternelle Tandou", "maternelle", "10 rue Tandou, 75019 Paris", "12345"),
        ("0750019B", "École élémentaire Rampal", "elementaire", "17 rue Rampal, 75019 Paris", "12345"),
        (
            "0750019C",
            "École élémentaire Armand Carrel",
            "elementaire",
            "35 rue Armand Carrel, 75019 Paris",
            "12345",
        ),
        ("0750019D", "École polyvalente Manin", "polyvalente", "7 rue Manin, 75019 Paris", "12345"),
    ],
}

# label, first day, last day, campaign opens, campaign closes
YEARS = [
    ("2025-2026", (2025, 9, 1), (2026, 7, 3), (2025, 5, 12), (2026, 6, 15)),
    ("2026-2027", (2026, 9, 1), (2027, 7, 2), (2026, 5, 11), (2027, 6, 15)),
]

MONTHS = [
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
]


def paris_periods(school_year):
    """Sep–Oct, Nov–Dec, Jan–Feb, Mar–Apr, May–Jun (with the first days of July)."""
    y1 = school_year.first_day.year
    y2 = y1 + 1
    bounds = [
        (datetime.date(y1, 9, 1), datetime.date(y1, 10, 31)),
        (datetime.date(y1, 11, 1), datetime.date(y1, 12, 31)),
        (datetime.date(y2, 1, 1), datetime.date(y2, 2, 28 if y2 % 4 else 29)),
        (datetime.date(y2, 3, 1), datetime.date(y2, 4, 30)),
        (datetime.date(y2, 5, 1), max(datetime.date(y2, 6, 30), school_year.last_day)),
    ]
    periods = []
    for start, end in bounds:
        second = datetime.date(start.year, start.month + 1, 2)
        label = f"{MONTHS[start.month - 1]} / {MONTHS[start.month]} {start.year}"
        opens = timezone.make_aware(datetime.datetime.combine(second, datetime.time(14, 0)))
        periods.append((start, end, label, opens, end + datetime.timedelta(days=15)))
    return periods


def seed(*, stdout):
    for slug, schools in SCHOOLS.items():
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        for code, name, kind, address, weekdays in schools:
            School.objects.get_or_create(
                caisse=caisse,
                code=code,
                defaults={"name": name, "kind": kind, "address": address, "weekdays": weekdays},
            )
        for label, first, last, opens, closes in YEARS:
            year = SchoolYear.objects.filter(caisse=caisse, label=label).first()
            if year is None:
                year = school_year_create(
                    caisse=caisse,
                    label=label,
                    first_day=datetime.date(*first),
                    last_day=datetime.date(*last),
                    enrollment_opens_on=datetime.date(*opens),
                    enrollment_closes_on=datetime.date(*closes),
                )
            for start, end, period_label, payment_opens_at, due_date in paris_periods(year):
                if not BillingPeriod.objects.filter(caisse=caisse, start_date=start).exists():
                    billing_period_save(
                        caisse=caisse,
                        school_year=year,
                        label=period_label,
                        start_date=start,
                        end_date=end,
                        payment_opens_at=payment_opens_at,
                        due_date=due_date,
                    )
        stdout.write(f"  {slug}: {len(schools)} écoles, années {', '.join(y[0] for y in YEARS)}")
