"""The inputs of the billing run, read from the apps that own them (one function each).

enrollment: `meal_days`; pricing: `brackets_in_force`; requests: the credits not yet used.
"""

from __future__ import annotations

from datetime import date

from refectoire.billing.engine import Credit


def load_meal_days(*, caisse, start: date, end: date, household_ids) -> dict[tuple[int, int], list[date]]:
    from refectoire.enrollment.selectors import meal_days

    return meal_days(caisse=caisse, start=start, end=end, household_ids=household_ids)


def load_brackets(*, caisse, start: date, end: date, household_ids) -> dict[int, list]:
    from refectoire.pricing.selectors import brackets_in_force

    return brackets_in_force(caisse=caisse, start=start, end=end, household_ids=household_ids)


def load_unused_credits(*, caisse, household_ids) -> dict[int, list[Credit]]:
    """household_id → its credits not yet used by an issued invoice, oldest first.

    Connected to the requests app's Credit model at merge; until then there is none.
    """
    try:
        from refectoire.requests.models import Credit as CreditModel
    except ImportError:
        return {}
    credits: dict[int, list[Credit]] = {}
    rows = CreditModel.objects.filter(
        household__caisse=caisse, household_id__in=list(household_ids), used_by_invoice__isnull=True
    ).order_by("pk")
    for row in rows:
        label = str(getattr(row, "label", "") or "Avoir : remboursement")
        credits.setdefault(row.household_id, []).append(Credit(id=row.pk, amount=row.amount, label=label))
    return credits


def mark_credits_used(*, credit_ids: list[int], invoices_by_credit: dict[int, int]) -> None:
    """Record which issued invoice used each credit (called inside the issue transaction)."""
    if not credit_ids:
        return
    try:
        from refectoire.requests.models import Credit as CreditModel
    except ImportError:
        return
    rows = list(CreditModel.objects.select_for_update().filter(pk__in=credit_ids))
    for row in rows:
        row.used_by_invoice_id = invoices_by_credit[row.pk]
    CreditModel.objects.bulk_update(rows, ["used_by_invoice"])


def freeze_grids(*, caisse, period) -> None:
    """Ask pricing to freeze the grids used by the issued invoices of `period` (if it offers it)."""
    try:
        from refectoire.pricing import services as pricing_services
    except ImportError:
        return
    freeze = getattr(pricing_services, "grids_freeze_for_period", None)
    if freeze is not None:
        freeze(caisse=caisse, start=period.start_date, end=period.end_date)
