"""Reads of requests: the agents' queue and its filters, the parent's latest activity."""

import datetime

from django.db.models import Count, F, Q, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from refectoire.enrollment.models import Enrollment
from refectoire.households.enums import Sex
from refectoire.messaging.models import Conversation
from refectoire.requests.enums import SEPARATION_CUSTODY, RequestKind, RequestState, SituationChange
from refectoire.requests.models import Request

AGE_CHOICES = {"7": 7, "15": 15, "30": 30}


def school_child_ids(school):
    """The children enrolled in `school` (a subquery of the enrollment app's `Enrollment`)."""
    return Enrollment.objects.filter(caisse_id=school.caisse_id, school=school).values("child_id")


def school_filter_available() -> bool:
    """The queue's school filter is offered: enrollment, which it reads, is installed with requests."""
    return True


def request_queue(*, caisse, kind="", state="", school=None, assignee="", older_than_days=None, me=None):
    """The agents' single queue of `caisse`, oldest sent first."""
    queryset = (
        Request.objects.for_caisse(caisse)
        .visible_to_agents()
        .select_related("household", "assigned_to")
        .prefetch_related("children", "household__guardians")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if state == "open":
        queryset = queryset.filter(
            state__in=[RequestState.SUBMITTED, RequestState.IN_PROGRESS, RequestState.INCOMPLETE]
        )
    elif state:
        queryset = queryset.filter(state=state)
    if school is not None:
        child_ids = school_child_ids(school)
        if child_ids is not None:
            # A request about children: one of them is enrolled there; about the household
            # alone (a new phone…): one of its children is.

            households = Enrollment.objects.filter(school=school).values("household_id")
            matching = Request.objects.filter(
                Q(children__in=child_ids) | Q(children__isnull=True, household__in=households)
            ).values("pk")
            queryset = queryset.filter(pk__in=matching)
    if assignee == "me" and me is not None:
        queryset = queryset.filter(assigned_to=me)
    elif assignee == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif assignee:
        queryset = queryset.filter(assigned_to__username=assignee)
    if older_than_days:
        queryset = queryset.filter(submitted_at__lt=timezone.now() - datetime.timedelta(days=older_than_days))
    return queryset.order_by("submitted_at", "pk")


def count_by_state(caisse) -> dict[str, int]:
    rows = Request.objects.for_caisse(caisse).visible_to_agents().values("state").annotate(count=Count("pk"))
    counts = {row["state"]: row["count"] for row in rows}
    return {state: counts.get(state, 0) for state in RequestState.values if state != RequestState.DRAFT}


_KIND_LABELS = dict(RequestKind.choices)
_STATE_LABELS = dict(RequestState.choices)


def _activity(queryset, kind: str, *, at, label, status, unread):
    """`queryset` as the rows of « Mes dernières demandes et messages »: (kind, uuid, at, label,
    status, unread), the same columns for every kind so that they make one UNION."""
    return (
        queryset.annotate(
            item_kind=Value(kind),
            item_uuid=F("uuid"),
            item_at=at,
            item_label=label,
            item_status=status,
            item_unread=unread,
        )
        .order_by()
        .values_list("item_kind", "item_uuid", "item_at", "item_label", "item_status", "item_unread")
    )


def latest_activity(*, user, caisse, limit=5) -> list[dict]:
    """The 5 latest requests and conversations of the user's household, newest first: one query,
    the two lists as one UNION that the database sorts and cuts."""
    requests = _activity(
        Request.objects.for_user(user, caisse),
        "request",
        at=F("updated_at"),
        label=F("kind"),
        status=F("state"),
        unread=Value(0),
    )
    conversations = _activity(
        Conversation.objects.for_user(user, caisse).with_unread(for_agents=False),
        "conversation",
        at=F("last_message_at"),
        label=F("subject"),
        status=Value(""),
        unread=F("unread"),
    )
    rows = requests.union(conversations, all=True).order_by("-item_at")[:limit]
    items = []
    for kind, uuid, at, label, status, unread in rows:
        if kind == "request":
            label, status = _KIND_LABELS.get(label, label), _STATE_LABELS.get(status, status)
        else:
            status = unread
        items.append({"kind": kind, "uuid": uuid, "at": at, "label": label, "status": status})
    return items


def open_request_count(caisse) -> int:
    return (
        Request.objects.for_caisse(caisse)
        .filter(Q(state=RequestState.SUBMITTED) | Q(state=RequestState.IN_PROGRESS))
        .count()
    )


DATA_LABELS = {
    "text": _("Correction demandée"),
    "change": _("Ce qui change"),
    "effective_date": _("À compter du"),
    "street_number": _("Numéro"),
    "street_name": _("Nom de la voie"),
    "address_complement": _("Complément d'adresse"),
    "postcode": _("Code postal"),
    "city": _("Ville"),
    "mobile_phone": _("Téléphone portable"),
    "home_phone": _("Téléphone domicile"),
    "email": _("Courriel"),
    "child_first_name": _("Prénom de l'enfant"),
    "child_last_name": _("Nom de l'enfant"),
    "child_birth_date": _("Date de naissance de l'enfant"),
    "child_sex": _("Sexe de l'enfant"),
    "details": _("Précisions"),
    "first_day": _("Premier jour d'absence"),
    "last_day": _("Dernier jour"),
    "visa_by_school": _("Visa confirmé par l'établissement"),
    "new_city": _("Nouvelle commune"),
    "leaving_guardian": _("Quitte le foyer"),
    "custody": _("Garde à compter de la date"),
}


def _leaving_name(request, guardian_uuid) -> str:
    guardian = request.household.guardians.filter(uuid=guardian_uuid).first()
    if guardian is not None:
        return guardian.full_name
    row = (
        request.household.guardians.model.history.filter(uuid=guardian_uuid).order_by("-history_date").first()
    )
    return f"{row.first_name} {row.last_name.upper()}".strip() if row else "—"


def _custody_text(request, custody: dict) -> str:
    labels = dict(SEPARATION_CUSTODY)
    children = {str(c.uuid): c.first_name for c in request.household.children.all()}
    return " ; ".join(
        f"{children.get(uuid, '—')} : {labels.get(choice, choice)}" for uuid, choice in custody.items()
    )


def summary_lines(request) -> list[tuple[str, str]]:
    """The parent's form data as (label, value) lines in French."""
    lines = []
    for key, value in request.data.items():
        if key not in DATA_LABELS or value in ("", None):
            continue
        if key == "leaving_guardian":
            value = _leaving_name(request, value)
        elif key == "custody":
            value = _custody_text(request, value)
        elif key == "change":
            value = SituationChange(value).label
        elif key == "child_sex":
            value = Sex(value).label
        elif isinstance(value, bool):
            value = _("oui") if value else _("non")
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            value = date_format(datetime.date.fromisoformat(value), "d/m/Y")
        lines.append((DATA_LABELS[key], value))
    return lines
