"""The registry of what may keep an invoice from being paid online (PayFIP).

Payments owns it and never imports the apps that feed it: direct debit registers its guard in its
`AppConfig.ready()` (an invoice to be debited, or in a sent batch, is not offered to PayFIP until the
debit is rejected). A guard takes the invoices (Invoice objects) and returns {invoice id: the French
reason}.
"""

from collections.abc import Callable, Iterable

from refectoire.billing.models import Invoice

_GUARDS: dict[str, Callable[[list[Invoice]], dict[int, str]]] = {}


def register_online_payment_guard(name: str, guard: Callable[[list[Invoice]], dict[int, str]]) -> None:
    """Add `guard` (registering the same name again replaces it)."""
    _GUARDS[name] = guard


def online_payment_refusals(invoices: Iterable[Invoice | int]) -> dict[int, str]:
    """Why each of these invoices may not be paid online now ({} when all may). `invoices`: the
    Invoice objects the page read already (no query of them again), or their ids."""
    items = [item for item in invoices if item is not None]
    ids = [item for item in items if not isinstance(item, Invoice)]
    found = [item for item in items if isinstance(item, Invoice) and item.pk is not None]
    if ids:
        found += list(Invoice.objects.filter(pk__in=ids))
    refusals: dict[int, str] = {}
    if not found:
        return refusals
    for name in sorted(_GUARDS):
        for pk, reason in _GUARDS[name](found).items():
            refusals.setdefault(pk, reason)
    return refusals
