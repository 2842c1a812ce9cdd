"""Requests (demandes) and the messages exchanged on them.

Anonymising empties each request's data (addresses, dates, reasons typed by the parent) and every
message of its history, in the rows and their history; kinds, states and dates stay.
"""

from refectoire.core.personal_data import anonymise_rows, row
from refectoire.requests.models import Request, RequestEvent

SECTION = "requests"


def export_household(household) -> list:
    requests = Request.objects.filter(household=household).prefetch_related("events")
    return [
        {
            **row(r, "uuid", "kind", "state", "submitted_at", "closed_at"),
            "data": r.data,
            "messages": [
                {
                    **row(e, "kind", "from_state", "to_state", "message"),
                    "at": e.created_at.isoformat(),
                    "from_caisse": e.by_agent,
                }
                for e in r.events.all()
            ],
        }
        for r in requests.order_by("created_at")
    ]


def anonymise_household(household) -> dict[str, int]:
    requests = Request.objects.filter(household=household)
    count = anonymise_rows(requests, data={})
    messages = RequestEvent.objects.filter(request__in=requests).exclude(message="").update(message="")
    return {"requests": count, "request_messages": messages}
