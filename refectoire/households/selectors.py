"""Reads of households: the agents' queue and search, the last decision a family must read."""

import datetime

from django.db.models import Count, Prefetch, Q

from refectoire.households.enums import ChangeState, HouseholdAction, HouseholdState
from refectoire.households.models import Guardian, Household, HouseholdChange, HouseholdEvent


def household_for_user(*, user, caisse):
    return (
        Household.objects.for_user(user, caisse).prefetch_related("guardians", "children", "changes").first()
    )


def households_to_validate_count(*, caisse) -> int:
    return Household.objects.for_caisse(caisse).filter(state=HouseholdState.SUBMITTED).count()


def changes_to_validate_count(*, caisse) -> int:
    return HouseholdChange.objects.for_caisse(caisse).pending().count()


def household_queue(*, caisse, state=None, since=None, until=None, name=""):
    """ "Foyers à valider": filtered by state (submitted by default), date sent and name."""
    queryset = (
        Household.objects.for_caisse(caisse)
        .prefetch_related(Prefetch("guardians", queryset=Guardian.objects.order_by("role")), "children")
        .annotate(
            pending_changes=Count("changes", filter=Q(changes__state=ChangeState.PENDING), distinct=True)
        )
    )
    if state == "changes":
        queryset = queryset.filter(pending_changes__gt=0)
    elif state:
        queryset = queryset.filter(state=state)
    if since:
        queryset = queryset.filter(submitted_at__date__gte=since)
    if until:
        queryset = queryset.filter(submitted_at__date__lte=until)
    if name:
        queryset = queryset.filter(
            Q(guardians__last_name__icontains=name)
            | Q(guardians__first_name__icontains=name)
            | Q(guardians__birth_name__icontains=name)
        ).distinct()
    return queryset.order_by("submitted_at", "created_at")


def household_search(*, caisse, query: str):
    """By name (representative or child), e-mail, allocataire number, service key or reference."""
    query = query.strip()
    if not query:
        return Household.objects.none()
    words = Q()
    for word in query.split():
        words &= (
            Q(guardians__last_name__icontains=word)
            | Q(guardians__first_name__icontains=word)
            | Q(guardians__birth_name__icontains=word)
            | Q(children__first_name__icontains=word)
            | Q(children__last_name__icontains=word)
        )
    compact = query.replace(" ", "")
    exact = (
        Q(guardians__email__iexact=query)
        | Q(guardians__user__email__iexact=query)
        | Q(guardians__benefits_number__iexact=compact)
        | Q(service_key__iexact=query)
        | Q(reference__iexact=query)
    )
    return (
        Household.objects.for_caisse(caisse)
        .filter(words | exact)
        .prefetch_related(Prefetch("guardians", queryset=Guardian.objects.order_by("role")), "children")
        .distinct()
        .order_by("-created_at")[:100]
    )


def last_decision(household) -> HouseholdEvent | None:
    """The agent's last message the family must read (a correction asked or a refusal)."""
    return (
        household.events.filter(action__in=[HouseholdAction.CORRECTION_ASKED, HouseholdAction.REJECTED])
        .order_by("-created_at", "-pk")
        .first()
    )


def household_history(household) -> list[dict]:
    """The full history: the lifecycle events and every recorded change to the household's people."""
    rows = [
        {
            "when": event.created_at,
            "who": event.actor,
            "what": event.get_action_display(),
            "detail": event.message,
        }
        for event in household.events.select_related("actor")
    ]
    for model_history, label in (
        (household.guardians.model.history, "Représentant"),
        (household.children.model.history, "Enfant"),
    ):
        records = list(
            model_history.filter(household_id=household.pk)
            .select_related("history_user")
            .order_by("history_date")
        )
        for record in records:
            if record.history_type == "~" and record.prev_record is not None:
                delta = record.diff_against(record.prev_record)
                detail = ", ".join(
                    f"{record._meta.get_field(change.field).verbose_name} : « {change.old or ''} » → « {change.new or ''} »"
                    for change in delta.changes
                    if change.field not in {"updated_at"}
                )
                if not detail:
                    continue
            else:
                detail = {"+": "ajouté", "-": "retiré"}.get(record.history_type, "")
            rows.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": f"{label} {record.first_name} {record.last_name.upper()}",
                    "detail": detail,
                }
            )
    rows.sort(key=lambda row: row["when"] or datetime.datetime.min.replace(tzinfo=datetime.UTC))
    return rows


def household_emails(household) -> list[str]:
    """Where to write to a household: each guardian's account e-mail, or the contact e-mail they gave."""
    emails = []
    prefetched = "guardians" in getattr(household, "_prefetched_objects_cache", {})
    guardians = household.guardians.all() if prefetched else household.guardians.select_related("user")
    for guardian in guardians:
        email = (guardian.user.email if guardian.user_id else "") or guardian.email
        if email and email not in emails:
            emails.append(email)
    return emails
