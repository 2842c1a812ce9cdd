"""The registry of what may keep an invoice from being paid online (PayFIP).

Payments owns it and never imports the apps that feed it: direct debit registers its guard in its
`AppConfig.ready()` (an invoice to be debited, or in a sent batch, is not offered to PayFIP until the
debit is rejected). A guard takes invoice ids and returns {invoice id: the French reason}.
"""

from collections.abc import Callable, Iterable

_GUARDS: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def register_online_payment_guard(name: str, guard: Callable[[list[int]], dict[int, str]]) -> None:
    """Add `guard` (registering the same name again replaces it)."""
    _GUARDS[name] = guard


def online_payment_refusals(invoice_ids: Iterable[int]) -> dict[int, str]:
    """Why each of these invoices may not be paid online now ({} when all may)."""
    ids = [pk for pk in invoice_ids if pk is not None]
    refusals: dict[int, str] = {}
    if not ids:
        return refusals
    for name in sorted(_GUARDS):
        for pk, reason in _GUARDS[name](ids).items():
            refusals.setdefault(pk, reason)
    return refusals
