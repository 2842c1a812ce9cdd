"""How a billing period learns that its invoices are issued, without importing billing.

The period belongs to schools (enrollment, pricing and schools read it); its run and its invoices
belong to billing, a higher app. Billing registers its answer here in its AppConfig.ready()
(`register_issue_source`); the period's validation and the queries of enrollment and pricing ask
through `issue_source()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


@dataclass(frozen=True)
class IssueSource:
    # The periods whose run is issued: their invoices never change.
    issued: Q
    # The lookup, from a period, to the moment its run was issued.
    issued_at: str
    # Issued or being issued by its run, or holding issued invoices whatever the run says: the
    # period itself no longer changes.
    is_frozen: Callable[[object], bool]


_source: IssueSource | None = None


def register_issue_source(source: IssueSource) -> None:
    global _source
    _source = source


def issue_source() -> IssueSource:
    if _source is None:
        raise ImproperlyConfigured("No installed app tells when a billing period is issued (billing does).")
    return _source
