"""Use cases of absences: the Caisse's rules and reasons, a parent's declaration, an agent's record
(one child or a whole class), the decision (accept, refuse) and the cancellation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core.lifecycle import AGENT, PARENT, SYSTEM, transition
from refectoire.enrollment.enums import AbsenceState, DayStatus
from refectoire.enrollment.models import Absence, AbsenceEvent, AbsenceReason, AbsenceRules
from refectoire.enrollment.notifications import notify_absence_decision
from refectoire.enrollment.selectors import day_statuses, notice_deadline

# The reasons a Caisse starts with (Paris-like); the manager edits them in the back office.
DEFAULT_ABSENCE_REASONS = [
    # (label, accepted automatically when the notice is kept, illness)
    ("Maladie", True, True),
    ("Convenance personnelle", True, False),
    ("Sortie scolaire / classe de découverte", False, False),
    ("Autre", False, False),
]


@transaction.atomic
def absence_rules_ensure(*, caisse) -> AbsenceRules:
    """The Caisse's absence rules, created with the defaults (notice: the working day before, noon;
    the default reasons) the first time they are needed."""
    rules, created = AbsenceRules.objects.get_or_create(caisse=caisse)
    if not AbsenceReason.objects.for_caisse(caisse).exists():
        for position, (label, auto_accept, is_illness) in enumerate(DEFAULT_ABSENCE_REASONS):
            AbsenceReason.objects.create(
                caisse=caisse,
                label=label,
                auto_accept=auto_accept,
                is_illness=is_illness,
                position=position,
            )
    return rules


@transaction.atomic
def absence_rules_update(*, caisse, notice_days: int, notice_time: datetime.time, actor=None) -> AbsenceRules:
    rules = absence_rules_ensure(caisse=caisse)
    rules.notice_days = notice_days
    rules.notice_time = notice_time
    rules.full_clean()
    rules.save()
    return rules


@transaction.atomic
def absence_reason_save(
    *, caisse, reason=None, label: str, auto_accept: bool, is_illness: bool, is_active: bool, position: int
) -> AbsenceReason:
    if reason is not None and reason.caisse_id != caisse.pk:
        raise ValidationError(_("Ce motif n'est pas dans la Caisse."))
    reason = reason or AbsenceReason(caisse=caisse)
    reason.label = label.strip()
    reason.auto_accept = auto_accept
    reason.is_illness = is_illness
    reason.is_active = is_active
    reason.position = position
    reason.full_clean()
    reason.save()
    return reason


def _fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _absence_log(absence, *, actor, action, to_state, from_state="", message=""):
    AbsenceEvent.objects.create(
        absence=absence,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        message=message,
    )


def absence_meal_days(*, household, child, first_day, last_day, exclude=None) -> list[datetime.date]:
    """The meal days an absence of `child` in `household` from `first_day` to `last_day` would cover.

    Raises ValidationError (in French) when the days cannot be an absence: the last day before the
    first, a day outside the child's enrollment in this household, an absence already declared on
    one of the days, or no meal day at all in this household (the other guardian's week, holidays).
    """
    if first_day is None or last_day is None:
        raise ValidationError(_("Indiquez le premier et le dernier jour."))
    if last_day < first_day:
        raise ValidationError(
            {"last_day": _("Le dernier jour d'absence est avant le premier : vérifiez les deux dates.")}
        )
    if (last_day - first_day).days > 366:
        raise ValidationError(
            {
                "last_day": _(
                    "Une absence ne peut pas durer plus d'une année scolaire : choisissez un dernier jour plus proche."
                )
            }
        )
    if child.household_id != household.pk:
        raise ValidationError(_("Cet enfant n'est pas dans ce foyer."))
    overlapping = (
        Absence.objects.for_household(household)
        .filter(child=child)
        .live()
        .overlapping(first_day, last_day)
        .exclude(pk=getattr(exclude, "pk", None))
        .order_by("first_day")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _(
                "Une absence de %(child)s est déjà signalée du %(first)s au %(last)s : "
                "annulez-la ou choisissez d'autres jours."
            )
            % {
                "child": child.first_name,
                "first": _fr(overlapping.first_day),
                "last": _fr(overlapping.last_day),
            }
        )
    statuses = day_statuses(
        caisse=household.caisse, household=household, child=child, start=first_day, end=last_day
    )
    outside = sorted(day for day, status in statuses.items() if status == DayStatus.NOT_ENROLLED)
    if outside:
        raise ValidationError(
            _(
                "%(child)s n'est pas inscrit à la cantine le %(day)s : une absence ne peut porter que sur "
                "les jours de son inscription."
            )
            % {"child": child.first_name, "day": _fr(outside[0])}
        )
    days = sorted(day for day, status in statuses.items() if status == DayStatus.SERVED)
    if not days:
        if any(status == DayStatus.OTHER_GUARDIAN for status in statuses.values()):
            raise ValidationError(
                _(
                    "Ces jours sont ceux de l'autre responsable (garde alternée) : c'est à lui de "
                    "signaler l'absence."
                )
            )
        raise ValidationError(
            _("Aucun repas n'est prévu pour %(child)s sur ces jours : il n'y a rien à signaler.")
            % {"child": child.first_name}
        )
    return days


def _check_reason(*, caisse, reason):
    if reason is None:
        raise ValidationError({"reason": _("Choisissez le motif de l'absence.")})
    if reason.caisse_id != caisse.pk or not reason.is_active:
        raise ValidationError({"reason": _("Choisissez un des motifs de la liste.")})


@transaction.atomic
def absence_declare(
    *, household, child, first_day, last_day, reason, comment="", actor=None, now=None
) -> Absence:
    """ "Signaler une absence" (parent): accepted at once when the notice is kept and the reason is
    one the Caisse accepts automatically; otherwise waiting for an agent."""
    caisse = household.caisse
    now = now or timezone.now()
    today = timezone.localdate(now)
    _check_reason(caisse=caisse, reason=reason)
    Child = type(child)
    child = Child.objects.select_for_update().get(pk=child.pk)  # one declaration at a time per child
    if first_day is not None and first_day < today:
        raise ValidationError(
            {
                "first_day": _(
                    "Le premier jour est passé : une absence se signale à l'avance. Pour une maladie, "
                    "demandez le remboursement des jours de cantine."
                )
            }
        )
    days = absence_meal_days(household=household, child=child, first_day=first_day, last_day=last_day)
    kept = now < notice_deadline(caisse=caisse, first_day=first_day)
    absence = Absence(
        household=household,
        child=child,
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        comment=comment.strip(),
        notice_kept=kept,
        meal_count=len(days),
        declared_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    absence.full_clean(exclude=["declared_by", "decided_by"])
    absence.save()
    _absence_log(absence, actor=actor, action="declared", to_state=AbsenceState.PENDING)
    if kept and reason.auto_accept:
        transition(
            absence,
            AbsenceState.ACCEPTED,
            actor=None,
            by=SYSTEM,
            action="auto_accepted",
            message=_("Délai de prévenance respecté, motif « %(reason)s ».") % {"reason": reason.label},
            auto_accepted=True,
            decided_at=now,
        )
    return absence


@transaction.atomic
def absence_create(
    *,
    household,
    child,
    first_day,
    last_day,
    reason=None,
    comment="",
    state=AbsenceState.ACCEPTED,
    actor=None,
) -> Absence:
    """An absence recorded by an agent (a school trip, a phone call): accepted at once by default.

    The days must be in the child's enrollment in this household and free of another absence.
    """
    if reason is not None:
        _check_reason(caisse=household.caisse, reason=reason)
    if state not in (AbsenceState.ACCEPTED, AbsenceState.PENDING):
        raise ValidationError(_("Une absence est enregistrée acceptée ou en attente."))
    Child = type(child)
    child = Child.objects.select_for_update().get(pk=child.pk)
    days = absence_meal_days(household=household, child=child, first_day=first_day, last_day=last_day)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    absence = Absence(
        household=household,
        child=child,
        first_day=first_day,
        last_day=last_day,
        reason=reason,
        comment=comment.strip(),
        meal_count=len(days),
        declared_by=user,
        by_agent=True,
        state=state,
    )
    if state == AbsenceState.ACCEPTED:
        absence.decided_by = user
        absence.decided_at = timezone.now()
    absence.full_clean(exclude=["declared_by", "decided_by"])
    absence.save()
    _absence_log(absence, actor=actor, action="recorded", to_state=state, message=absence.comment)
    return absence


@transaction.atomic
def absence_create_for_group(
    *, caisse, enrollments, first_day, last_day, reason=None, comment="", actor=None
) -> tuple[list[Absence], list[tuple]]:
    """The same absence for several children (a class's school trip), each accepted at once.

    Returns (the absences made, [(enrollment, why it was skipped)]): a child already absent on
    those days, or without any meal then, is skipped, the others are recorded.
    """
    made, skipped = [], []
    for enrollment in enrollments:
        if enrollment.caisse_id != caisse.pk:
            raise ValidationError(_("Cette inscription n'est pas dans la Caisse."))
        try:
            with transaction.atomic():
                made.append(
                    absence_create(
                        household=enrollment.household,
                        child=enrollment.child,
                        first_day=first_day,
                        last_day=last_day,
                        reason=reason,
                        comment=comment,
                        actor=actor,
                    )
                )
        except ValidationError as error:
            skipped.append((enrollment, " ".join(error.messages)))
    return made, skipped


def _absence_decide(absence, to_state, *, actor, action, message) -> Absence:
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    transition(
        absence,
        to_state,
        actor=actor,
        by=AGENT,
        action=action,
        message=message,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_message=message.strip(),
    )
    notify_absence_decision(absence)
    return absence


@transaction.atomic
def absence_accept(*, absence, actor, message="") -> Absence:
    """An agent accepts a waiting absence: its days are no longer expected nor billed (an invoice
    already issued does not change)."""
    return _absence_decide(absence, AbsenceState.ACCEPTED, actor=actor, action="accepted", message=message)


@transaction.atomic
def absence_refuse(*, absence, actor, message) -> Absence:
    """An agent refuses a waiting absence, saying why: its days stay expected and billed."""
    if not (message or "").strip():
        raise ValidationError({"message": _("Indiquez le motif du refus.")})
    return _absence_decide(absence, AbsenceState.REFUSED, actor=actor, action="refused", message=message)


@transaction.atomic
def absence_cancel(*, absence, actor, today: datetime.date | None = None, message="", by=PARENT) -> Absence:
    """The parent (or an agent, `by=AGENT`) withdraws an absence that has not started yet: its days
    are expected again."""
    today = today or timezone.localdate()
    if absence.first_day <= today:
        raise ValidationError(
            _("Cette absence a commencé le %(day)s : elle ne peut plus être annulée.")
            % {"day": _fr(absence.first_day)}
        )
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    return transition(
        absence, AbsenceState.CANCELLED, actor=actor, by=by, action="cancelled", message=message
    )
