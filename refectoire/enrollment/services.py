"""Use cases of the enrollment: enroll, cancel, link a child in shared custody, custody weeks,
rhythm changes, attendance (absences: `refectoire.enrollment.absences`)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core.lifecycle import AGENT, check_move, transition
from refectoire.enrollment.enums import (
    WEEKDAY_NAMES,
    Custody,
    EnrollmentAction,
    EnrollmentState,
    RhythmChangeState,
    weekday_names,
)
from refectoire.enrollment.models import (
    Attendance,
    ChildLink,
    CustodyWeek,
    Enrollment,
    EnrollmentEvent,
    RhythmChange,
)
from refectoire.enrollment.selectors import expected_meals
from refectoire.households.enums import GuardianRole
from refectoire.households.models import Household
from refectoire.schools.calendar import CalendarBits, Window
from refectoire.schools.models import BillingPeriod, School

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


# The foreign keys enrollment_create() checks itself (full_clean would read each one back).
RELATIONS = ["caisse", "household", "child", "school_year", "school"]


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
        raise ValidationError(
            {
                "school": _(
                    "Cet établissement ne prend plus d'inscriptions : choisissez-en un autre dans la liste."
                )
            }
        )
    weekdays = normalise_weekdays(weekdays)
    check_weekdays(school=school, weekdays=weekdays)
    if custody not in Custody.values:
        raise ValidationError(
            {
                "custody": _(
                    "Choisissez la garde : complète, semaines paires, semaines impaires ou selon le calendrier de garde."
                )
            }
        )
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
    # The checks above made what full_clean() would query again (the relations, the uniqueness, the
    # dates): only the fields' own validators and clean() run here, without a query.
    enrollment.clean_fields(exclude=[*RELATIONS, "created_by", "custody_document"])
    enrollment.clean()
    try:
        enrollment.save()
    except IntegrityError as error:
        # Where the row lock cannot serialise (SQLite's snapshot), the constraint still holds. No
        # query follows: the error leaves this function's transaction (or savepoint), rolled back.
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
def enrollment_cancel(*, enrollment, last_day: datetime.date, actor=None, reason="", by=AGENT) -> Enrollment:
    """The child leaves the canteen: no meal after `last_day` (`by`: PARENT from the portal)."""
    check_move(enrollment, EnrollmentState.CANCELLED, by=by)
    if last_day is None:
        raise ValidationError({"last_day": _("Indiquez le dernier jour de cantine.")})
    if last_day > enrollment.end_date:
        raise ValidationError({"last_day": _("Ce jour est après la fin de l'inscription.")})
    return transition(
        enrollment,
        EnrollmentState.CANCELLED,
        actor=actor,
        by=by,
        action=EnrollmentAction.CANCEL,
        message=reason or _("Dernier jour : %(day)s") % {"day": last_day.strftime("%d/%m/%Y")},
        end_date=max(last_day, enrollment.start_date - datetime.timedelta(days=1)),
        cancelled_reason=reason,
    )


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
        raise ValidationError(
            {
                "custody": _(
                    "Choisissez la garde : complète, semaines paires, semaines impaires ou selon le calendrier de garde."
                )
            }
        )
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
    check_move(change, RhythmChangeState.VALIDATED, by=AGENT)
    today = today or timezone.localdate()
    starts_on = next_period_start(caisse=change.enrollment.caisse, after=today)
    if starts_on is None:
        raise ValidationError(_("Aucune période de facturation à venir : créez-la avant de valider."))
    change.decision_message = message
    return transition(
        change,
        RhythmChangeState.VALIDATED,
        actor=actor,
        by=AGENT,
        action=EnrollmentAction.RHYTHM_VALIDATED,
        message=_("%(weekdays)s à partir du %(day)s")
        % {"weekdays": change.weekdays, "day": starts_on.strftime("%d/%m/%Y")},
        starts_on=starts_on,
        decided_by=actor,
        decided_at=timezone.now(),
    )


@transaction.atomic
def rhythm_change_reject(*, change, actor=None, message="") -> RhythmChange:
    check_move(change, RhythmChangeState.REJECTED, by=AGENT)
    if not message.strip():
        raise ValidationError({"message": _("Indiquez le motif du refus.")})
    return transition(
        change,
        RhythmChangeState.REJECTED,
        actor=actor,
        by=AGENT,
        action=EnrollmentAction.RHYTHM_REJECTED,
        message=message,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_message=message,
    )


def weekdays_in_force(*, enrollment, day: datetime.date) -> str:
    changes = enrollment.rhythm_changes.filter(state=RhythmChangeState.VALIDATED, starts_on__lte=day)
    latest = changes.order_by("-starts_on", "-decided_at", "-pk").first()
    return latest.weekdays if latest else enrollment.weekdays


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


@transaction.atomic
def attendance_record(
    *, caisse, school, day: datetime.date, presences: dict, today: datetime.date, actor=None
):
    """The canteen's tablet (partners' API): who ate at `school` on `day`, {enrollment uuid: present}.

    Idempotent by child and day (the same call twice changes nothing); a correction is accepted on
    the day itself only; refused for a day the canteen is closed (weekend, holidays, closure) and
    for a child not expected that day. Returns the attendance rows written, in the order given.
    """
    if school.caisse_id != caisse.pk:
        raise ValidationError({"school": _("Cet établissement n'est pas de la Caisse.")})
    if day > today:
        raise ValidationError({"day": _("Le pointage d'un jour à venir n'est pas possible.")})
    if day < today:
        raise ValidationError(
            {
                "day": _(
                    "Le pointage du %(day)s n'est plus modifiable : les corrections se font le jour même, "
                    "ensuite dans le back office."
                )
                % {"day": day.strftime("%d/%m/%Y")}
            }
        )
    expected_ids = expected_meals(caisse=caisse, school=school, start=day, end=day)[day]
    if not CalendarBits.load(caisse=caisse, window=Window(day, day), school_ids=[school.pk]).school_days(
        school.pk
    ):
        raise ValidationError(
            {
                "day": _("Le %(day)s, la cantine est fermée : aucun pointage.")
                % {"day": day.strftime("%d/%m/%Y")}
            }
        )
    keys = [str(key) for key in presences]
    enrollments = {
        str(e.uuid): e for e in Enrollment.objects.filter(caisse=caisse, school=school, uuid__in=keys)
    }
    unknown = [key for key in keys if key not in enrollments or enrollments[key].pk not in expected_ids]
    if unknown:
        raise ValidationError(
            {
                "presences": _("Enfants non attendus ce jour dans cet établissement : %(ids)s.")
                % {"ids": ", ".join(unknown)}
            }
        )
    rows = []
    for key, present in presences.items():
        row, _created = Attendance.objects.update_or_create(
            enrollment=enrollments[str(key)],
            day=day,
            defaults={"present": bool(present), "recorded_by": actor},
        )
        rows.append(row)
    return rows


# The parents' enrollment campaign --------------------------------------------------------


def enrollment_campaign_open(school_year, *, today: datetime.date) -> bool:
    """Parents enroll from the year's opening day to its closing day (no closing day: until the end)."""
    return bool(
        school_year.enrollment_opens_on
        and school_year.enrollment_opens_on <= today
        and (school_year.enrollment_closes_on is None or today <= school_year.enrollment_closes_on)
    )


def enrollment_create_by_parent(
    *, household, child, school, school_year, weekdays, custody, custody_document=None, actor, today
) -> Enrollment:
    """A parent's enrollment from the portal: only while the year's campaign is open, from today
    (or the year's first day). Agents and imports enroll at any time through `enrollment_create`,
    whose transaction holds every write (the check here writes nothing)."""
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
