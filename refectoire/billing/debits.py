"""The registry through which billing learns which invoices are paid by direct debit.

Billing owns it and never imports the app that feeds it: direct debit registers its provider in
its `AppConfig.ready()`. A provider takes issued invoices and returns {invoice id: DebitPlan}:
- the invoice page and its PDF show the pre-notification (`notice`);
- the PES V2 ORMC export adds an `InfoPrelevementSEPA` block and the debtor's bank account to
  each invoice whose plan has `pes` set (the Caisse's route is PES V2).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PesDebit:
    """What one InfoPrelevementSEPA block and the Tiers' CpteBancaire carry."""

    sequence: str  # PES SequencePres code: 01 OOFF, 02 FRST, 03 RCUR, 04 FNAL
    mandate_reference: str
    mandate_signed_on: datetime.date
    iban: str
    bic: str
    holder: str
    label: str


@dataclass(frozen=True)
class DebitPlan:
    collection_date: datetime.date
    amount: Decimal
    account_hint: str  # « FR76 •••• •••• 1234 »
    notice: str  # the sentence a parent reads on the invoice
    pes: PesDebit | None = None


_PROVIDERS: dict[str, Callable[[list], dict[int, DebitPlan]]] = {}


def register_debit_provider(name: str, provider: Callable[[list], dict[int, DebitPlan]]) -> None:
    _PROVIDERS[name] = provider


def debit_plans(invoices: Iterable) -> dict[int, DebitPlan]:
    """The direct debit of each of these invoices that has one."""
    invoices = list(invoices)
    plans: dict[int, DebitPlan] = {}
    if not invoices:
        return plans
    for name in sorted(_PROVIDERS):
        for pk, plan in _PROVIDERS[name](invoices).items():
            plans.setdefault(pk, plan)
    return plans
