"""The registry of invoice sources: what a billing run bills besides the households' meals.

Billing owns this registry and never imports the apps that feed it. A higher app (adult meals
today) registers its source once, in its `AppConfig.ready()`, with an explicit `order`: the run
bills the households first, then the sources by increasing `order` (never by INSTALLED_APPS
order), and issuing numbers their drafts after the households'.

A source gives, for a run of a period:
- `ids_to_bill(caisse=, period=) -> list[int]`: the files (dossiers) it looks at; they count in
  the run's progress with the households;
- `compute(caisse=, period=, chunk_size=, ids=, on_chunk=)`: replace their draft invoices of the
  period, chunk by chunk, calling `on_chunk(count)` after each chunk is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InvoiceSource:
    name: str
    ids_to_bill: Callable[..., list[int]]
    compute: Callable[..., object]
    order: int = 0


_SOURCES: dict[str, InvoiceSource] = {}


def register_invoice_source(source: InvoiceSource, *, order: int) -> InvoiceSource:
    """Add `source` to every billing run, at rank `order`; registering the same name again replaces it."""
    source = InvoiceSource(
        name=source.name, ids_to_bill=source.ids_to_bill, compute=source.compute, order=order
    )
    if any(other.order == order and other.name != source.name for other in _SOURCES.values()):
        raise ValueError(f"another invoice source already has order {order}")
    _SOURCES[source.name] = source
    return source


def invoice_sources() -> list[InvoiceSource]:
    """The registered sources, in the order the run bills them."""
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.name))
