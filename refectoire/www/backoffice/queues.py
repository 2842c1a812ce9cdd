"""The work queues of the « Espace agents » home: how many wait, and since when."""

import datetime

from django.db.models import Count, Min
from django.utils import timezone


def queue(*, label: str, queryset, url: str, since: str | None = None) -> dict:
    """One queue read in one query: its count and, with `since` (a date or datetime field), the date
    the oldest item has been waiting since."""
    aggregates = {"count": Count("pk")}
    if since:
        aggregates["oldest"] = Min(since)
    values = queryset.order_by().aggregate(**aggregates)
    oldest = values.get("oldest")
    if isinstance(oldest, datetime.datetime):
        oldest = timezone.localtime(oldest).date()
    return {"label": label, "count": values["count"], "oldest": oldest, "url": url}
