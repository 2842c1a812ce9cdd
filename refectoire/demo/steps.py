"""The demo's steps, in the order they run: each step may rely on the data of the steps above it.

The order is written here, once; it does not depend on INSTALLED_APPS.
"""

from django.db import transaction

from refectoire.demo import (
    adultmeals,
    billing,
    caisses,
    directdebit,
    enrollment,
    households,
    menus,
    messaging,
    partners,
    payments,
    pricing,
    privacy,
    requests,
    schools,
    staff,
    stays,
)

STEPS = [
    caisses.seed,  # the Caisses, their news, the agents' and parents' accounts
    messaging.seed,  # the FAQ of each Caisse
    households.seed,  # the demo parents' households, the imported families, the waiting ones
    schools.seed,  # schools, school years and their calendars, the billing periods
    pricing.seed,  # the tariff grids, a tariff request waiting for a decision
    enrollment.seed,  # the children enrolled for 2026-2027, shared custody, a rhythm change
    menus.seed,  # menus of this week and the next, meal options, a validated PAI and a waiting one
    staff.seed,  # a canteen staff account per Caisse, for the school of the child with the PAI
    billing.seed,  # the invoice counters and the first period issued (adults registered first)
    payments.seed,  # PayFIP on eopayment's dummy backend
    directdebit.seed,  # cde11's SEPA settings, two mandates (FRST, RCUR), the period's batch, an AC04 reject
    requests.seed,  # requests and a conversation of a demo family
    stays.seed,  # the holiday stays of cde19 and Léo's confirmed, invoiced place
    adultmeals.seed,  # the adults eating at the canteen (already registered by the billing step)
    partners.seed,  # cde11's demo API token, its value fixed and written in docs/api.md
    privacy.seed,  # the DPO and retention of each Caisse, former families due for anonymisation, one held
]


def seed_all(*, stdout) -> None:
    """Every step in order, in one transaction; running it again changes nothing already there."""
    with transaction.atomic():
        for step in STEPS:
            step(stdout=stdout)
