"""How direct debit plugs into the lower apps, through the registries they own (called once, from
`DirectDebitConfig.ready()`): billing learns which invoices are debited (pre-notification on the
invoice and its PDF, PES V2 blocks), payments which invoices PayFIP must not take."""

from refectoire.billing.debits import register_debit_provider
from refectoire.directdebit.selectors import debit_plans_of, online_payment_refusals_of
from refectoire.payments.guards import register_online_payment_guard


def register() -> None:
    register_debit_provider("directdebit", debit_plans_of)
    register_online_payment_guard("directdebit", online_payment_refusals_of)
