"""The agents' access log: one row per view of a family's personal data by an agent.

Call `access_log_record` from every back-office view that shows a household, a child, a tariff
request (incomes), a PAI, a document or a full IBAN. It is one INSERT, outside the view's
transaction needs: a view that reads nothing else still logs exactly one row per display.
"""

from refectoire.accounts.enums import AccessKind
from refectoire.accounts.models import AccessLog


def access_log_record(
    *, caisse, agent, kind: AccessKind | str, object_id, household_id: int | None = None, screen: str = ""
) -> AccessLog:
    """Record that `agent` of `caisse` viewed `kind` #`object_id` (of household `household_id`) on `screen`."""
    kind = AccessKind(kind)
    name = (agent.get_full_name() or agent.get_username()) if agent is not None else ""
    return AccessLog.objects.create(
        caisse=caisse,
        agent=agent,
        agent_name=name[:300],
        kind=kind,
        object_id=str(object_id)[:64],
        household_id=household_id,
        screen=screen[:200],
    )


def access_log_for_request(request, *, kind: AccessKind | str, object_id, household_id: int | None = None):
    """`access_log_record` for a back-office view: the Caisse, the agent and the screen (URL name,
    or path) come from the request."""
    match = getattr(request, "resolver_match", None)
    screen = (match.view_name if match is not None and match.view_name else request.path)[:200]
    return access_log_record(
        caisse=request.caisse,
        agent=request.user,
        kind=kind,
        object_id=object_id,
        household_id=household_id,
        screen=screen,
    )
