"""Use cases of requests: create, send, take, ask for completion, accept, refuse, cancel, talk."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing.models import Credit
from refectoire.core.lifecycle import AGENT, PARENT, check_move, transition
from refectoire.core.validators import check_free_texts
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import documents_schedule_retention
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.services import enrollment_cancel
from refectoire.households.enums import GuardianRole
from refectoire.requests import rules
from refectoire.requests.enums import EventKind, FollowUpKind, RequestKind, RequestState
from refectoire.requests.models import CLOSED_STATES, OPEN_STATES, FollowUp, Request, RequestEvent
from refectoire.requests.notifications import notify_request_decision
from refectoire.requests.situation import situation_apply

DECISIONS = {RequestState.INCOMPLETE, RequestState.ACCEPTED, RequestState.REFUSED}


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def request_errors(request: Request, *, on: datetime.date | None = None) -> list[str]:
    """The rules of its kind that `request` breaks, checked when it is sent."""
    on = on or timezone.localdate()
    data = request.data
    attachments = list(request.attachments.all())
    if request.kind == RequestKind.ILLNESS_REFUND:
        child = request.children.get()
        return rules.illness_refund_attachment_errors(
            attachments=attachments, visa_by_school=data.get("visa_by_school")
        ) + rules.illness_refund_errors(
            child=child,
            household=request.household,
            first=_day(data["first_day"]),
            last=_day(data["last_day"]),
            sent_on=on,
        )
    if request.kind == RequestKind.RADIATION:
        return rules.radiation_document_errors(has_certificate=bool(attachments)) + rules.radiation_errors(
            children=request.children.all(), last_day=_day(data["last_day"])
        )
    if request.kind == RequestKind.SITUATION:
        household = request.household
        kinds = {document.kind for document in attachments}
        return list(
            rules.situation_errors(
                data=data,
                has_co_guardian=household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists(),
                has_custody_calendar=DocumentKind.CUSTODY_CALENDAR in kinds,
                has_proof=bool(kinds - {DocumentKind.CUSTODY_CALENDAR}),
            ).values()
        )
    return []


def _check_owner(request, household):
    if request.household_id != household.pk or request.caisse_id != household.caisse_id:
        raise ValueError("request of another household")


def _log(request, *, actor, by_agent, kind, message="", from_state="", to_state="", attachments=()):
    check_free_texts(message=message)
    event = RequestEvent.objects.create(
        request=request,
        actor=actor,
        by_agent=by_agent,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        message=message,
    )
    if attachments:
        event.attachments.set(attachments)
    return event


def _move(request, to_state, *, actor, by, message=""):
    request = Request.objects.select_for_update().get(pk=request.pk)
    check_move(request, to_state, by=by)
    check_free_texts(message=message)
    now = timezone.now()
    fields = {}
    if to_state == RequestState.SUBMITTED and not request.submitted_at:
        fields["submitted_at"] = now
    if to_state in CLOSED_STATES:
        fields["closed_at"] = now
    transition(
        request,
        to_state,
        actor=actor,
        by=by,
        message=message,
        event_fields={"by_agent": by == AGENT, "kind": EventKind.TRANSITION},
        **fields,
    )
    if to_state in CLOSED_STATES:
        # A document still attached to an open request keeps no end date.
        documents_schedule_retention(
            documents=request.attachments.exclude(requests__state__in=OPEN_STATES),
            caisse=request.caisse,
            closed_on=timezone.localdate(),
        )
    if by == AGENT and to_state in DECISIONS:
        notify_request_decision(request)
    return request


def _check_documents(household, documents):
    for document in documents:
        if document.household_id != household.pk or document.deleted_at:
            raise ValueError("document of another household")


@transaction.atomic
def request_create(
    *, household, kind, data, created_by, children=(), attachments=(), submit: bool = True
) -> Request:
    """Create a request of `household` (a draft), and send it unless `submit` is False."""
    for child in children:
        if child.household_id != household.pk:
            raise ValueError("child of another household")
    check_free_texts(**data)
    _check_documents(household, attachments)
    request = Request.objects.create(
        caisse=household.caisse, household=household, kind=kind, data=data, created_by=created_by
    )
    request.children.set(children)
    request.attachments.set(attachments)
    _log(
        request,
        actor=created_by,
        by_agent=False,
        kind=EventKind.TRANSITION,
        to_state=RequestState.DRAFT,
        message=_("Demande créée."),
    )
    if submit:
        request = request_submit(request=request, household=household, actor=created_by)
    return request


@transaction.atomic
def request_submit(*, request, household, actor) -> Request:
    """Send a draft: the rules of its kind are checked first; a broken rule raises, in French."""
    _check_owner(request, household)
    errors = request_errors(request)
    if errors:
        raise ValidationError(errors)
    return _move(request, RequestState.SUBMITTED, actor=actor, by=PARENT)


@transaction.atomic
def request_complete(*, request, household, actor, message, attachments=()) -> Request:
    """The parent answers a request "à compléter": a message, documents, and it is sent again."""
    _check_owner(request, household)
    _check_documents(household, attachments)
    if not message.strip():
        raise ValidationError(_("Écrivez un message pour la Caisse."))
    request.attachments.add(*attachments)
    _log(
        request, actor=actor, by_agent=False, kind=EventKind.MESSAGE, message=message, attachments=attachments
    )
    return _move(request, RequestState.SUBMITTED, actor=actor, by=PARENT, message=_("Demande complétée."))


@transaction.atomic
def request_cancel(*, request, household, actor, reason="") -> Request:
    _check_owner(request, household)
    return _move(request, RequestState.CANCELLED, actor=actor, by=PARENT, message=reason)


@transaction.atomic
def request_message(*, request, actor, by_agent: bool, message, attachments=()) -> RequestEvent:
    """A message in the request's timeline; a message of the Caisse is announced to the family by mail."""
    if not message.strip():
        raise ValidationError(_("Le message est vide."))
    if request.is_closed and not by_agent:
        raise ValidationError(_("Cette demande est close : écrivez à la Caisse depuis « Mes messages »."))
    _check_documents(request.household, attachments)
    request.attachments.add(*attachments)
    event = _log(
        request,
        actor=actor,
        by_agent=by_agent,
        kind=EventKind.MESSAGE,
        message=message,
        attachments=attachments,
    )
    if by_agent:
        notify_request_decision(request)
    return event


def _check_agent(request, caisse):
    if request.caisse_id != caisse.pk:
        raise ValueError("request of another Caisse")


@transaction.atomic
def request_assign(*, request, caisse, agent, actor) -> Request:
    _check_agent(request, caisse)
    if agent is not None and not agent.agent_roles.for_caisse(caisse).exists():
        raise ValidationError(_("Cette personne n'est pas agent de la Caisse."))
    request.assigned_to = agent
    request.save(update_fields=["assigned_to", "updated_at"])
    message = (
        _("Demande attribuée à %(name)s.") % {"name": agent.display_name}
        if agent
        else _("Demande sans agent chargé.")
    )
    _log(request, actor=actor, by_agent=True, kind=EventKind.ASSIGNMENT, message=message)
    return request


@transaction.atomic
def request_take(*, request, caisse, actor) -> Request:
    """An agent takes the request: it is theirs and "en cours"."""
    _check_agent(request, caisse)
    request = request_assign(request=request, caisse=caisse, agent=actor, actor=actor)
    return _move(request, RequestState.IN_PROGRESS, actor=actor, by=AGENT)


@transaction.atomic
def request_ask_completion(*, request, caisse, actor, reason) -> Request:
    _check_agent(request, caisse)
    if not reason.strip():
        raise ValidationError(_("Dites à la famille ce qu'il faut compléter."))
    return _move(request, RequestState.INCOMPLETE, actor=actor, by=AGENT, message=reason)


@transaction.atomic
def request_refuse(*, request, caisse, actor, reason) -> Request:
    _check_agent(request, caisse)
    if not reason.strip():
        raise ValidationError(_("Le motif du refus est obligatoire."))
    return _move(request, RequestState.REFUSED, actor=actor, by=AGENT, message=reason)


@transaction.atomic
def request_accept(*, request, caisse, actor, message="") -> Request:
    """Accept and apply: a credit for a refund, the change for a situation, the end of enrollments."""
    _check_agent(request, caisse)
    request = Request.objects.select_for_update().get(pk=request.pk)
    if not request.can_move(RequestState.ACCEPTED, by=AGENT):
        raise ValidationError(_("Cette demande ne peut plus être acceptée."))
    done = _apply(request, actor=actor)
    text = "\n".join(part for part in (message, done) if part)
    return _move(request, RequestState.ACCEPTED, actor=actor, by=AGENT, message=text)


def _apply(request, *, actor) -> str:
    if request.kind == RequestKind.ILLNESS_REFUND:
        credit = credit_create_for_refund(request=request)
        return _("Avoir de %(count)d repas, déduit de la prochaine facture.") % {"count": credit.meal_count}
    if request.kind == RequestKind.SITUATION:
        return situation_apply(request=request, actor=actor)
    if request.kind == RequestKind.RADIATION:
        return radiation_apply(request=request, actor=actor)
    return ""


@transaction.atomic
def credit_create_for_refund(*, request) -> Credit:
    """The credit of the canteen days of an accepted refund for illness (checked again now)."""
    child = request.children.get()
    first, last = _day(request.data["first_day"]), _day(request.data["last_day"])
    days = rules.canteen_days(child, request.household, first, last)
    already = set(days) & rules.refunded_days(child, request.household)
    if already:
        raise ValidationError(rules.already_refunded_error(already))
    if len(days) < rules.MIN_CONSECUTIVE_CANTEEN_DAYS:
        raise ValidationError(
            _("Moins de %(min)d jours de cantine dans cette absence : rien à rembourser.")
            % {"min": rules.MIN_CONSECUTIVE_CANTEEN_DAYS}
        )
    return Credit.objects.create(
        caisse=request.caisse,
        household=request.household,
        child=child,
        request=request,
        days=[d.isoformat() for d in days],
        meal_count=len(days),
    )


def radiation_apply(*, request, actor=None) -> str:
    """End the enrollments of the children on the last day.

    Enrollment's `enrollment_cancel` service ends every active enrollment that runs past that
    day; the end is recorded as a FollowUp (`enrollment_end`, `effective_date` = last day), done.
    """
    last_day = _day(request.data["last_day"])
    for child in request.children.all():
        for enrollment in Enrollment.objects.filter(
            household=request.household, child=child, state="active", end_date__gt=last_day
        ):
            enrollment_cancel(
                enrollment=enrollment,
                last_day=last_day,
                actor=actor,
                reason=_("Radiation / déménagement"),
            )
        done_at = timezone.now()
        FollowUp.objects.create(
            caisse=request.caisse,
            household=request.household,
            request=request,
            child=child,
            kind=FollowUpKind.ENROLLMENT_END,
            effective_date=last_day,
            done_at=done_at,
        )
    return _("Les inscriptions prennent fin le %(day)s.") % {"day": rules._fr(last_day)}
