"""The agents' single queue of requests and the decision on each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.messaging.models import Conversation
from refectoire.requests import selectors, services
from refectoire.requests.enums import RequestState
from refectoire.requests.models import Request
from refectoire.requests.selectors import AGE_CHOICES
from refectoire.www.backoffice.access import agent_required
from refectoire.www.backoffice.requests.forms import AssignForm, DecisionForm, QueueFilterForm


def request_queues(request) -> list[dict]:
    """The count of requests per state and of conversations to read, for the back-office home."""
    url = reverse("backoffice:request_queue")
    unread = (
        Conversation.objects.for_caisse(request.caisse)
        .with_unread(for_agents=True)
        .filter(unread__gt=0)
        .count()
    )
    conversations = {
        "label": _("Conversations avec des messages non lus"),
        "count": unread,
        "oldest": None,
        "url": reverse("backoffice:conversation_list") + "?unread=1",
    }
    oldest = dict(
        Request.objects.for_caisse(request.caisse)
        .visible_to_agents()
        .values("state")
        .annotate(oldest=Min("submitted_at"))
        .values_list("state", "oldest")
    )
    per_state = [
        {
            "label": _("Demandes — %(state)s") % {"state": RequestState(state).label},
            "count": count,
            "oldest": timezone.localtime(oldest[state]).date() if oldest.get(state) else None,
            "url": f"{url}?state={state}",
        }
        for state, count in selectors.count_by_state(request.caisse).items()
    ]
    return [*per_state, conversations]


@agent_required
def request_queue(request):
    params = request.GET.copy()
    if "state" not in params:
        params["state"] = "open"
    school_filter = selectors.school_filter_available()
    form = QueueFilterForm(params, caisse=request.caisse, school_filter=school_filter)
    filters = form.cleaned_data if form.is_valid() else {"state": "open"}
    queue = selectors.request_queue(
        caisse=request.caisse,
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        school=filters.get("school"),
        assignee=filters.get("assignee", ""),
        older_than_days=AGE_CHOICES.get(filters.get("age", "")),
        me=request.user,
    )
    return render(
        request,
        "backoffice/requests/queue.html",
        {"form": form, "queue": queue[:200], "total": queue.count(), "school_filter": school_filter},
    )


def _get(request, request_uuid):
    return get_object_or_404(
        Request.objects.for_caisse(request.caisse).visible_to_agents(), uuid=request_uuid
    )


@agent_required
def request_detail(request, request_uuid):
    demand = _get(request, request_uuid)
    access_log_for_request(
        request, kind=AccessKind.HOUSEHOLD, object_id=demand.uuid, household_id=demand.household_id
    )
    events = demand.events.select_related("actor").prefetch_related("attachments")
    return render(
        request,
        "backoffice/requests/detail.html",
        {
            "demand": demand,
            "demand_lines": selectors.summary_lines(demand),
            "events": events,
            "decision_form": DecisionForm(),
            "assign_form": AssignForm(caisse=request.caisse, initial={"agent": demand.assigned_to}),
            "follow_ups": demand.follow_ups.select_related("child"),
            "credit": getattr(demand, "credit", None) if demand.state == RequestState.ACCEPTED else None,
            "can_take": demand.can_move(RequestState.IN_PROGRESS, by="agent"),
            "can_decide": demand.can_move(RequestState.REFUSED, by="agent"),
            "can_accept": demand.can_move(RequestState.ACCEPTED, by="agent"),
            "can_ask": demand.can_move(RequestState.INCOMPLETE, by="agent"),
        },
    )


ACTIONS = {
    "take": lambda demand, req, message: services.request_take(
        request=demand, caisse=req.caisse, actor=req.user
    ),
    "accept": lambda demand, req, message: services.request_accept(
        request=demand, caisse=req.caisse, actor=req.user, message=message
    ),
    "refuse": lambda demand, req, message: services.request_refuse(
        request=demand, caisse=req.caisse, actor=req.user, reason=message
    ),
    "incomplete": lambda demand, req, message: services.request_ask_completion(
        request=demand, caisse=req.caisse, actor=req.user, reason=message
    ),
    "message": lambda demand, req, message: services.request_message(
        request=demand, actor=req.user, by_agent=True, message=message
    ),
}
DONE = {
    "take": gettext_lazy("Vous êtes chargé(e) de cette demande."),
    "accept": gettext_lazy("La demande est acceptée ; la famille est prévenue par courriel."),
    "refuse": gettext_lazy("La demande est refusée ; la famille est prévenue par courriel."),
    "incomplete": gettext_lazy("La famille est invitée à compléter sa demande."),
    "message": gettext_lazy("Votre message est ajouté à l'historique."),
}


@agent_required
def request_act(request, request_uuid):
    demand = _get(request, request_uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return redirect("backoffice:request_detail", request_uuid=demand.uuid)
    form = DecisionForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        ACTIONS[action](demand, request, message)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, DONE[action])
    return redirect("backoffice:request_detail", request_uuid=demand.uuid)


@agent_required
def request_assign(request, request_uuid):
    demand = _get(request, request_uuid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssignForm(request.POST, caisse=request.caisse)
    if form.is_valid():
        services.request_assign(
            request=demand, caisse=request.caisse, agent=form.cleaned_data["agent"], actor=request.user
        )
        messages.success(request, _("L'attribution est enregistrée."))
    return redirect("backoffice:request_detail", request_uuid=demand.uuid)
