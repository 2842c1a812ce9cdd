"""Use cases of the enrollment: enroll, cancel, link a child in shared custody, custody weeks,
rhythm changes, absences, attendance."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.billing.models import BillingPeriod
from refectoire.enrollment.enums import (
    ABSENCE_TRANSITIONS,
    AbsenceState,
    Custody,
    DayStatus,
    EnrollmentState,
    RhythmChangeState,
    weekday_names,
)
from refectoire.enrollment.models import (
    Absence,
    AbsenceEvent,
    AbsenceReason,
    AbsenceRules,
    Attendance,
    ChildLink,
    CustodyWeek,
    Enrollment,
    EnrollmentEvent,
    RhythmChange,
)
from refectoire.enrollment.notifications import notify_absence_decision
from refectoire.households.enums import GuardianRole
from refectoire.households.models import Household
from refectoire.schools.models import School

# Custodies of the same child in its two households that never give one day to both.
COMPATIBLE_CUSTODIES = {
    (Custody.EVEN, Custody.ODD),
    (Custody.ODD, Custody.EVEN),
    (Custody.CALENDAR, Custody.CALENDAR),
}


def normalise_weekdays(weekdays) -> str:
    """ "1245", [1, 2, 4, 5] or ["1", "2"] → "1245" (sorted ISO digits, no repeat)."""
    digits = (
        {str(d).strip() for d in weekdays if str(d).strip()}
        if not isinstance(weekdays, str)
        else set(weekdays)
    )
    digits.discard(" ")
    return "".join(sorted(digits))


def check_weekdays(*, school, weekdays: str):
    if not weekdays:
        raise ValidationError({"weekdays": _("Indiquez au moins un jour de présence.")})
    if any(d not in "1234567" for d in weekdays):
        raise ValidationError(
            {"weekdays": _("Jours de présence : des chiffres de 1 (lundi) à 5 (vendredi).")}
        )
    extra = [d for d in weekdays if d not in school.weekdays or d in "67"]
    if extra:
        from refectoire.enrollment.enums import WEEKDAY_NAMES

        names = ", ".join(str(WEEKDAY_NAMES[int(d)]).lower() for d in extra)
        raise ValidationError(
            {
                "weekdays": _("La cantine de %(school)s ne sert pas le %(days)s.")
                % {"school": school.name, "days": names}
            }
        )


def linked_child(child):
    """The same child in the other household (shared custody), or None."""
    link = (
        ChildLink.objects.filter(Q(child_a=child) | Q(child_b=child))
        .select_related("child_a", "child_b")
        .first()
    )
    if link is None:
        return None, None
    return link, (link.child_b if link.child_a_id == child.pk else link.child_a)


def _check_custody_against_other(*, child, school_year, custody, exclude_pk=None, start=None):
    _link, other = linked_child(child)
    if other is None:
        return
    others = Enrollment.objects.filter(child=other, school_year=school_year, state=EnrollmentState.ACTIVE)
    if start is not None:
        others = others.filter(end_date__gte=start)
    for other_enrollment in others:
        if (custody, other_enrollment.custody) not in COMPATIBLE_CUSTODIES:
            raise ValidationError(
                {
                    "custody": _(
                        "L'autre responsable a choisi « %(other)s » : choisissez les autres semaines "
                        "(semaines paires d'un côté, impaires de l'autre) ou un calendrier de garde."
                    )
                    % {"other": other_enrollment.get_custody_display()}
                }
            )


def check_shared_custody_household(*, household, custody):
    """Shared custody is between two households: refused when the household declares both
    responsables (a co-representative lives in it)."""
    if custody == Custody.FULL:
        return
    if household.guardians.filter(role=GuardianRole.CO_GUARDIAN).exists():
        raise ValidationError(
            {
                "custody": _(
                    "Les deux responsables de l'enfant sont déclarés dans ce même foyer : la garde alternée "
                    "n'est possible qu'entre deux foyers séparés. Si vous êtes séparés, déclarez d'abord "
                    "votre changement de situation (séparation)."
                )
            }
        )


def _log(enrollment, *, actor, action, message="", from_state="", to_state=""):
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        message=message,
        from_state=from_state,
        to_state=to_state,
    )


@transaction.atomic
def enrollment_create(
    *,
    household,
    child,
    school,
    school_year,
    weekdays,
    custody=Custody.FULL,
    custody_document=None,
    start_date: datetime.date | None = None,
    actor=None,
) -> Enrollment:
    """Enroll `child` of `household` at `school` for `school_year`: effective at once.

    Starts on `start_date` (default: the first day of the school year), ends on its last day.
    """
    caisse = household.caisse
    if child.household_id != household.pk:
        raise ValidationError(_("Cet enfant n'est pas dans ce foyer."))
    if school is None:
        raise ValidationError({"school": _("Choisissez le lieu d'inscription de votre enfant.")})
    if school.caisse_id != caisse.pk or school_year.caisse_id != caisse.pk:
        raise ValidationError({"school": _("Cet établissement n'est pas dans la Caisse.")})
    if not school.is_active:
        raise ValidationError({"school": _("Cet établissement n'est plus en service.")})
    weekdays = normalise_weekdays(weekdays)
    check_weekdays(school=school, weekdays=weekdays)
    if custody not in Custody.values:
        raise ValidationError({"custody": _("Garde : complète, semaines paires, impaires ou calendrier.")})
    # Two submits of one form at once: the second waits for the first, then finds its enrollment.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    already = ValidationError(
        _("%(child)s est déjà inscrit pour %(year)s.")
        % {"child": child.first_name, "year": school_year.label},
        code="already_enrolled",
    )
    if Enrollment.objects.filter(household=household, child=child, school_year=school_year).exists():
        raise already
    check_shared_custody_household(household=household, custody=custody)
    if custody != Custody.FULL:
        _check_custody_against_other(child=child, school_year=school_year, custody=custody)
    start = max(start_date or school_year.first_day, school_year.first_day)
    if start > school_year.last_day:
        raise ValidationError(_("L'année scolaire %(year)s est terminée.") % {"year": school_year.label})
    enrollment = Enrollment(
        caisse=caisse,
        household=household,
        child=child,
        school_year=school_year,
        school=school,
        weekdays=weekdays,
        custody=custody,
        custody_document=custody_document,
        start_date=start,
        end_date=school_year.last_day,
        created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    enrollment.full_clean(exclude=["created_by", "custody_document"])
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as error:
        # Where the row lock cannot serialise (SQLite's snapshot), the constraint still holds.
        raise already from error
    _log(enrollment, actor=actor, action="create", to_state=EnrollmentState.ACTIVE)
    return enrollment


@transaction.atomic
def enrollment_create_from_import(
    *, household, child, school_code, weekdays, custody, school_year
) -> Enrollment:
    """The optional columns `school_code;weekdays;custody` of the families import: the year's
    enrollment from its first day. Raises ValidationError (in French) on a wrong value."""
    school = School.objects.filter(caisse_id=household.caisse_id, code=(school_code or "").strip()).first()
    if school is None:
        raise ValidationError({"school": _("Établissement « %(code)s » inconnu.") % {"code": school_code}})
    custody = (custody or Custody.FULL).strip() or Custody.FULL
    if custody not in Custody.values:
        raise ValidationError(
            {"custody": _("Garde « %(value)s » : full, even, odd ou calendar.") % {"value": custody}}
        )
    return enrollment_create(
        household=household,
        child=child,
        school=school,
        school_year=school_year,
        weekdays=(weekdays or "").strip(),
        custody=custody,
        start_date=school_year.first_day,
    )


@transaction.atomic
def enrollment_cancel(*, enrollment, last_day: datetime.date, actor=None, reason="") -> Enrollment:
    """The child leaves the canteen: no meal after `last_day`."""
    if enrollment.state == EnrollmentState.CANCELLED:
        raise ValidationError(_("Cette inscription est déjà annulée."))
    if last_day is None:
        raise ValidationError({"last_day": _("Indiquez le dernier jour de cantine.")})
    if last_day > enrollment.end_date:
        raise ValidationError({"last_day": _("Ce jour est après la fin de l'inscription.")})
    enrollment.end_date = max(last_day, enrollment.start_date - datetime.timedelta(days=1))
    enrollment.state = EnrollmentState.CANCELLED
    enrollment.cancelled_reason = reason
    enrollment.save()
    _log(
        enrollment,
        actor=actor,
        action="cancel",
        message=reason or _("Dernier jour : %(day)s") % {"day": last_day.strftime("%d/%m/%Y")},
        from_state=EnrollmentState.ACTIVE,
        to_state=EnrollmentState.CANCELLED,
    )
    return enrollment


@transaction.atomic
def enrollment_custody_change(
    *, enrollment, custody, starts_on: datetime.date, custody_document=None, actor=None, reason=""
) -> Enrollment:
    """The custody changes from `starts_on` (a separation): the enrollment ends the day before and a
    new one, same school and weekdays in force, with the new custody runs from `starts_on` to its
    end. Planning and billing follow from that day. Returns the enrollment in force from `starts_on`.
    """
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state != EnrollmentState.ACTIVE:
        raise ValidationError(_("Cette inscription est annulée."))
    if custody not in Custody.values:
        raise ValidationError({"custody": _("Garde : complète, semaines paires, impaires ou calendrier.")})
    if custody == Custody.CALENDAR and custody_document is None:
        raise ValidationError({"custody": _("Joignez le calendrier de garde.")})
    if starts_on > enrollment.end_date:
        raise ValidationError(
            {
                "starts_on": _("Cette date est après la fin de l'inscription (le %(day)s).")
                % {"day": enrollment.end_date.strftime("%d/%m/%Y")}
            }
        )
    check_shared_custody_household(household=enrollment.household, custody=custody)
    if custody != Custody.FULL:
        _check_custody_against_other(
            child=enrollment.child, school_year=enrollment.school_year, custody=custody, start=starts_on
        )
    message = _("Garde « %(custody)s » à partir du %(day)s") % {
        "custody": Custody(custody).label,
        "day": starts_on.strftime("%d/%m/%Y"),
    }
    if reason:
        message = f"{reason} : {message}"
    if starts_on <= enrollment.start_date:
        # Not started yet: the enrollment itself takes the new custody.
        enrollment.custody = custody
        enrollment.custody_document = custody_document
        enrollment.save()
        _log(enrollment, actor=actor, action="custody_change", message=message)
        return enrollment
    weekdays = weekdays_in_force(enrollment=enrollment, day=starts_on)
    new = Enrollment(
        caisse=enrollment.caisse,
        household=enrollment.household,
        child=enrollment.child,
        school_year=enrollment.school_year,
        school=enrollment.school,
        weekdays=weekdays,
        custody=custody,
        custody_document=custody_document,
        start_date=starts_on,
        end_date=enrollment.end_date,
        created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    enrollment.end_date = starts_on - datetime.timedelta(days=1)
    enrollment.save()
    _log(
        enrollment,
        actor=actor,
        action="custody_change",
        message=_("Dernier jour : %(day)s. %(message)s")
        % {"day": enrollment.end_date.strftime("%d/%m/%Y"), "message": message},
    )
    new.full_clean(exclude=["created_by", "custody_document"])
    new.save()
    _log(new, actor=actor, action="create", to_state=EnrollmentState.ACTIVE, message=message)
    return new


@transaction.atomic
def child_link_create(*, caisse, child_a, child_b, actor=None) -> ChildLink:
    """Link the same child known in two households (shared custody)."""
    if child_a.household.caisse_id != caisse.pk or child_b.household.caisse_id != caisse.pk:
        raise ValidationError(_("Ces enfants ne sont pas dans la Caisse."))
    if child_a.household_id == child_b.household_id:
        raise ValidationError(_("Les deux fiches doivent être dans deux foyers différents."))
    if ChildLink.objects.filter(
        Q(child_a__in=[child_a, child_b]) | Q(child_b__in=[child_a, child_b])
    ).exists():
        raise ValidationError(_("Un de ces enfants est déjà lié à un autre foyer."))
    for mine in Enrollment.objects.filter(child=child_a, state=EnrollmentState.ACTIVE):
        for theirs in Enrollment.objects.filter(
            child=child_b, school_year=mine.school_year, state=EnrollmentState.ACTIVE
        ):
            if (mine.custody, theirs.custody) not in COMPATIBLE_CUSTODIES:
                raise ValidationError(
                    _(
                        "Gardes incompatibles pour %(year)s : « %(a)s » et « %(b)s ». Un foyer a les semaines "
                        "paires, l'autre les impaires, ou les deux suivent le calendrier de garde."
                    )
                    % {
                        "year": mine.school_year.label,
                        "a": mine.get_custody_display(),
                        "b": theirs.get_custody_display(),
                    }
                )
    link = ChildLink.objects.create(caisse=caisse, child_a=child_a, child_b=child_b, created_by=actor)
    return link


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.isoweekday() - 1)


@transaction.atomic
def custody_weeks_set(*, link, weeks: dict, actor=None) -> int:
    """The custody calendar's weeks: {monday: household or None}. Each week has one household at most."""
    households = {link.child_a.household_id, link.child_b.household_id}
    count = 0
    for monday, household in weeks.items():
        if monday.isoweekday() != 1:
            raise ValidationError(_("Une semaine commence un lundi."))
        if household is None:
            CustodyWeek.objects.filter(link=link, monday=monday).delete()
            continue
        household_id = getattr(household, "pk", household)
        if household_id not in households:
            raise ValidationError(_("Ce foyer n'a pas la garde de cet enfant."))
        CustodyWeek.objects.update_or_create(
            link=link, monday=monday, defaults={"household_id": household_id}
        )
        count += 1
    return count


@transaction.atomic
def rhythm_change_request(*, enrollment, weekdays, requested_by=None, reason="") -> RhythmChange:
    """ "Changer le rythme": the new weekdays, waiting for an agent."""
    weekdays = normalise_weekdays(weekdays)
    check_weekdays(school=enrollment.school, weekdays=weekdays)
    if enrollment.state != EnrollmentState.ACTIVE:
        raise ValidationError(_("Cette inscription est annulée."))
    if (
        weekdays == enrollment.weekdays
        and not enrollment.rhythm_changes.filter(state=RhythmChangeState.VALIDATED).exists()
    ):
        raise ValidationError({"weekdays": _("Ce sont déjà les jours de présence de votre enfant.")})
    if enrollment.rhythm_changes.filter(state=RhythmChangeState.PENDING).exists():
        raise ValidationError(_("Un changement de rythme attend déjà d'être validé."))
    change = RhythmChange.objects.create(
        enrollment=enrollment, weekdays=weekdays, requested_by=requested_by, reason=reason
    )
    _log(enrollment, actor=requested_by, action="rhythm_request", message=weekday_names(weekdays))
    return change


def next_period_start(*, caisse, after: datetime.date) -> datetime.date | None:
    """The first day of the first billing period starting after `after`."""
    return (
        BillingPeriod.objects.for_caisse(caisse)
        .filter(start_date__gt=after)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )


@transaction.atomic
def rhythm_change_apply(
    *, change, actor=None, today: datetime.date | None = None, message=""
) -> RhythmChange:
    """Validate a rhythm change: in force from the first day of the next billing period."""
    if change.state != RhythmChangeState.PENDING:
        raise ValidationError(_("Ce changement de rythme a déjà été traité."))
    today = today or timezone.localdate()
    starts_on = next_period_start(caisse=change.enrollment.caisse, after=today)
    if starts_on is None:
        raise ValidationError(_("Aucune période de facturation à venir : créez-la avant de valider."))
    change.state = RhythmChangeState.VALIDATED
    change.starts_on = starts_on
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_message = message
    change.save()
    _log(
        change.enrollment,
        actor=actor,
        action="rhythm_validated",
        message=_("%(weekdays)s à partir du %(day)s")
        % {"weekdays": change.weekdays, "day": starts_on.strftime("%d/%m/%Y")},
    )
    return change


@transaction.atomic
def rhythm_change_reject(*, change, actor=None, message="") -> RhythmChange:
    if change.state != RhythmChangeState.PENDING:
        raise ValidationError(_("Ce changement de rythme a déjà été traité."))
    if not message.strip():
        raise ValidationError({"message": _("Indiquez le motif du refus.")})
    change.state = RhythmChangeState.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_message = message
    change.save()
    _log(change.enrollment, actor=actor, action="rhythm_rejected", message=message)
    return change


def weekdays_in_force(*, enrollment, day: datetime.date) -> str:
    changes = enrollment.rhythm_changes.filter(state=RhythmChangeState.VALIDATED, starts_on__lte=day)
    latest = changes.order_by("-starts_on", "-decided_at", "-pk").first()
    return latest.weekdays if latest else enrollment.weekdays


# Absences ------------------------------------------------------------------------------------------

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
    from refectoire.enrollment.selectors import day_statuses

    if first_day is None or last_day is None:
        raise ValidationError(_("Indiquez le premier et le dernier jour."))
    if last_day < first_day:
        raise ValidationError({"last_day": _("Le dernier jour doit suivre le premier.")})
    if (last_day - first_day).days > 366:
        raise ValidationError({"last_day": _("Une absence dure au plus une année scolaire.")})
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
        raise ValidationError({"reason": _("Ce motif n'est pas proposé.")})


@transaction.atomic
def absence_declare(
    *, household, child, first_day, last_day, reason, comment="", actor=None, now=None
) -> Absence:
    """ "Signaler une absence" (parent): accepted at once when the notice is kept and the reason is
    one the Caisse accepts automatically; otherwise waiting for an agent."""
    from refectoire.enrollment.selectors import notice_deadline

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
        absence.state = AbsenceState.ACCEPTED
        absence.auto_accepted = True
        absence.decided_at = now
        absence.save()
        _absence_log(
            absence,
            actor=None,
            action="auto_accepted",
            from_state=AbsenceState.PENDING,
            to_state=AbsenceState.ACCEPTED,
            message=_("Délai de prévenance respecté, motif « %(reason)s ».") % {"reason": reason.label},
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


def _absence_transition(absence, to_state, *, actor, action, message=""):
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if to_state not in ABSENCE_TRANSITIONS[AbsenceState(absence.state)]:
        raise ValidationError(
            _("Cette absence est « %(state)s » : elle ne peut plus changer ainsi.")
            % {"state": absence.get_state_display()}
        )
    from_state = absence.state
    absence.state = to_state
    absence.save()
    _absence_log(
        absence, actor=actor, action=action, from_state=from_state, to_state=to_state, message=message
    )
    return absence


def _absence_decide(absence, to_state, *, actor, action, message) -> Absence:
    absence = _absence_transition(absence, to_state, actor=actor, action=action, message=message)
    absence.decided_by = actor
    absence.decided_at = timezone.now()
    absence.decision_message = message.strip()
    absence.save()
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
def absence_cancel(*, absence, actor, today: datetime.date | None = None, message="") -> Absence:
    """The parent (or an agent) withdraws an absence that has not started yet: its days are expected
    again."""
    today = today or timezone.localdate()
    if absence.first_day <= today:
        raise ValidationError(
            _("Cette absence a commencé le %(day)s : elle ne peut plus être annulée.")
            % {"day": _fr(absence.first_day)}
        )
    return _absence_transition(
        absence, AbsenceState.CANCELLED, actor=actor, action="cancelled", message=message
    )


@transaction.atomic
def attendance_save(*, school, day: datetime.date, present_ids, expected_ids, actor=None) -> int:
    """ "Pointage": who of the expected children (enrollment ids) actually ate at `school` on `day`."""
    present_ids = {int(i) for i in present_ids}
    enrollments = Enrollment.objects.filter(school=school, pk__in=set(expected_ids) | present_ids)
    count = 0
    for enrollment in enrollments:
        Attendance.objects.update_or_create(
            enrollment=enrollment,
            day=day,
            defaults={"present": enrollment.pk in present_ids, "recorded_by": actor},
        )
        count += 1
    return count


# The parents' enrollment campaign --------------------------------------------------------


def enrollment_campaign_open(school_year, *, today: datetime.date) -> bool:
    """Parents enroll from the year's opening day to its closing day (no closing day: until the end)."""
    return bool(
        school_year.enrollment_opens_on
        and school_year.enrollment_opens_on <= today
        and (school_year.enrollment_closes_on is None or today <= school_year.enrollment_closes_on)
    )


@transaction.atomic
def enrollment_create_by_parent(
    *, household, child, school, school_year, weekdays, custody, custody_document=None, actor, today
) -> Enrollment:
    """A parent's enrollment from the portal: only while the year's campaign is open, from today
    (or the year's first day). Agents and imports enroll at any time through `enrollment_create`."""
    if not enrollment_campaign_open(school_year, today=today):
        raise ValidationError(
            _("Les inscriptions pour l'année %(year)s ne sont pas ouvertes.") % {"year": school_year.label}
        )
    return enrollment_create(
        household=household,
        child=child,
        school=school,
        school_year=school_year,
        weekdays=weekdays,
        custody=custody,
        custody_document=custody_document,
        start_date=max(today, school_year.first_day),
        actor=actor,
    )
