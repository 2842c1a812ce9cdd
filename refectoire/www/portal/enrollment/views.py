"""Parent side of the enrollment: "Inscription", the form, "Planning de l'enfant", its iCalendar feed,
"changer le rythme" and leaving the canteen."""

import calendar as pycalendar
import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from refectoire.core.forms import add_service_errors
from refectoire.core.lifecycle import PARENT
from refectoire.core.uploads import PDF_ONLY
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.enrollment import selectors, services
from refectoire.enrollment.enums import (
    MEAL_STATUSES,
    DayStatus,
    EnrollmentState,
    RhythmChangeState,
    weekday_names,
)
from refectoire.enrollment.models import Enrollment
from refectoire.enrollment.notifications import notify_enrollment_made
from refectoire.households.models import Household
from refectoire.schools.models import SchoolYear
from refectoire.www.portal import access
from refectoire.www.portal.enrollment.forms import CancelForm, EnrollmentForm, RhythmChangeForm

# Lazy: a module's constants are made once, at import, in whatever language the first request had.
MONTHS = [
    gettext_lazy("janvier"),
    gettext_lazy("février"),
    gettext_lazy("mars"),
    gettext_lazy("avril"),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juillet"),
    gettext_lazy("août"),
    gettext_lazy("septembre"),
    gettext_lazy("octobre"),
    gettext_lazy("novembre"),
    gettext_lazy("décembre"),
]


def _enrollment(request, enrollment_uuid):
    """An enrollment of the user's validated household in request.caisse (one query), else 404."""
    households = Household.objects.for_user(request.user, request.caisse).validated()
    return get_object_or_404(
        Enrollment.objects.filter(caisse=request.caisse, household__in=households).select_related(
            "child", "school", "school_year", "household"
        ),
        uuid=enrollment_uuid,
    )


def _open_years(caisse):
    today = timezone.localdate()
    return list(SchoolYear.objects.for_caisse(caisse).filter(last_day__gte=today).order_by("first_day"))


@login_required
def enrollment_list(request):
    """ "Inscription": one line per child and school year, with its state."""
    household = access.household(request, validated_only=True)
    if household is None:
        pending = Household.objects.for_user(request.user, request.caisse).first()
        return render(request, "portal/enrollment/not_validated.html", {"pending": pending})
    today = timezone.localdate()
    years = _open_years(request.caisse)
    enrollments = {
        (e.child_id, e.school_year_id): e
        for e in Enrollment.objects.for_household(household).select_related("school", "school_year")
    }
    waiting = selectors.custody_calendar_waiting(enrollments.values())
    lines = []
    for year in years:
        for child in household.children.all():
            lines.append(
                {
                    "child": child,
                    "year": year,
                    "enrollment": enrollments.get((child.pk, year.pk)),
                    "awaits_calendar": getattr(enrollments.get((child.pk, year.pk)), "pk", None) in waiting,
                    "campaign_open": services.enrollment_campaign_open(year, today=today),
                }
            )
    has_current = any(e.state == EnrollmentState.ACTIVE and e.end_date >= today for e in enrollments.values())
    return render(
        request,
        "portal/enrollment/list.html",
        {"household": household, "lines": lines, "has_current": has_current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_form(request, child_uuid, year_uuid):
    # Neither the guardians nor every child are read: the child of the address is looked up.
    household = access.household(request, validated_only=True, related=())
    if household is None:
        raise Http404
    child = get_object_or_404(household.children.all(), uuid=child_uuid)
    year = get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)
    existing = Enrollment.objects.filter(household=household, child=child, school_year=year).first()
    if existing:
        return redirect("portal:enrollment_done", enrollment_uuid=existing.uuid)
    today = timezone.localdate()
    campaign_open = services.enrollment_campaign_open(year, today=today)
    form = EnrollmentForm(request.POST or None, request.FILES or None, caisse=request.caisse)
    if request.method == "POST" and campaign_open and form.is_valid():
        data = form.cleaned_data
        try:
            # The calendar and the enrollment in one transaction; without a calendar, the service's
            # own transaction is the only one (no savepoint inside another).
            with transaction.atomic() if data.get("custody_calendar") else contextlib.nullcontext():
                document = None
                if data.get("custody_calendar"):
                    document = document_store(
                        caisse=request.caisse,
                        household=household,
                        uploaded_file=data["custody_calendar"],
                        kind=DocumentKind.CUSTODY_CALENDAR,
                        uploaded_by=request.user,
                        allowed=PDF_ONLY,
                    )
                enrollment = services.enrollment_create_by_parent(
                    household=household,
                    child=child,
                    school=data["school"],
                    school_year=year,
                    weekdays="".join(sorted(data["weekdays"])),
                    custody=form.custody,
                    custody_document=document,
                    actor=request.user,
                    today=today,
                )
        except ValidationError as error:
            existing = Enrollment.objects.filter(household=household, child=child, school_year=year).first()
            if existing:
                # The same form sent twice (a double click): the answer is the enrollment made.
                return redirect("portal:enrollment_done", enrollment_uuid=existing.uuid)
            add_service_errors(form, error, renamed={"custody": "shared_custody"})
        else:
            waiting = selectors.awaits_custody_calendar(enrollment)
            sent = _send_confirmation(request, enrollment, waiting=waiting)
            messages.success(request, _confirmation_message(enrollment, waiting=waiting, sent=sent))
            return redirect("portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    return render(
        request,
        "portal/enrollment/form.html",
        {"form": form, "child": child, "year": year, "campaign_open": campaign_open, "today": today},
    )


def _confirmation_message(enrollment, *, waiting: bool, sent: bool) -> str:
    """What the parent reads once, on the page the form leads to."""
    if waiting:
        text = _(
            "L'inscription de %(child)s est enregistrée, mais elle n'est pas encore effective : la Caisse "
            "des écoles doit d'abord saisir votre calendrier de garde."
        )
    else:
        text = _("L'inscription de %(child)s à la restauration scolaire est effective.")
    text = text % {"child": enrollment.child.first_name}
    if sent:
        text += " " + _("Un courriel de confirmation vous a été envoyé.")
    return text


def _send_confirmation(request, enrollment, *, waiting: bool = False) -> bool:
    """The confirmation e-mail to the parent who enrolled, when they have an address."""
    if not request.user.email:
        return False
    notify_enrollment_made(enrollment, email=request.user.email, waiting=waiting)
    return True


@login_required
def enrollment_done(request, enrollment_uuid):
    enrollment = _enrollment(request, enrollment_uuid)
    return render(
        request,
        "portal/enrollment/done.html",
        {
            "enrollment": enrollment,
            "awaits_calendar": selectors.awaits_custody_calendar(enrollment),
            "weekday_names": weekday_names(enrollment.weekdays),
            "pending_change": enrollment.rhythm_changes.filter(state=RhythmChangeState.PENDING).first(),
            "changes": enrollment.rhythm_changes.exclude(state=RhythmChangeState.PENDING),
        },
    )


def _month_bounds(enrollment, month_param):
    year = enrollment.school_year
    first_month = year.first_day.replace(day=1)
    last_month = year.last_day.replace(day=1)
    today = timezone.localdate().replace(day=1)
    default = min(max(today, first_month), last_month)
    try:
        month = datetime.date.fromisoformat(f"{month_param}-01") if month_param else default
    except ValueError:
        month = default
    month = min(max(month, first_month), last_month)
    return month, first_month, last_month


def month_label(month: datetime.date) -> str:
    """« novembre 2026 »."""
    return f"{MONTHS[month.month - 1]} {month.year}"


# What a past day says happened (a future day says what is planned: the status's own label).
PAST_LABELS = {
    DayStatus.SERVED: gettext_lazy("Repas pris"),
    DayStatus.ABSENCE_PENDING: gettext_lazy("Absence signalée, repas facturé"),
    DayStatus.NOT_WEEKDAY: gettext_lazy("Non facturé"),
    DayStatus.OTHER_GUARDIAN: gettext_lazy("Non facturé"),
    DayStatus.CUSTODY_PENDING: gettext_lazy("Non facturé"),
    DayStatus.NOT_ENROLLED: gettext_lazy("Non facturé"),
}


def day_label(status, *, past: bool) -> str:
    if status is None:
        return ""
    if past and status in PAST_LABELS:
        return str(PAST_LABELS[status])
    return str(status.label)


def _shift_month(month, delta):
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_required
def planning(request, enrollment_uuid):
    """ "Planning de l'enfant": a month, each day with its status."""
    enrollment = _enrollment(request, enrollment_uuid)
    month, first_month, last_month = _month_bounds(enrollment, request.GET.get("mois"))
    last_day = month.replace(day=pycalendar.monthrange(month.year, month.month)[1])
    statuses = selectors.day_statuses(
        caisse=request.caisse,
        household=enrollment.household,
        child=enrollment.child,
        start=month,
        end=last_day,
    )
    today = timezone.localdate()
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                {
                    "day": day,
                    "status": statuses.get(day),
                    "label": day_label(statuses.get(day), past=day < today),
                    "in_month": day.month == month.month,
                    "today": day == today,
                }
                for day in week[:5]
            ]
        )
    served = sum(1 for status in statuses.values() if status in MEAL_STATUSES)
    previous_month = _shift_month(month, -1) if month > first_month else None
    next_month = _shift_month(month, 1) if month < last_month else None
    return render(
        request,
        "portal/enrollment/planning.html",
        {
            "enrollment": enrollment,
            "month_label": month_label(month),
            "weeks": weeks,
            "served": served,
            "absent": sum(1 for status in statuses.values() if status == DayStatus.ABSENCE),
            "pending": sum(1 for status in statuses.values() if status == DayStatus.ABSENCE_PENDING),
            "can_declare": enrollment.state == EnrollmentState.ACTIVE
            and enrollment.end_date >= timezone.localdate(),
            "previous_month": previous_month.strftime("%Y-%m") if previous_month else "",
            "next_month": next_month.strftime("%Y-%m") if next_month else "",
            "previous_label": month_label(previous_month) if previous_month else "",
            "next_label": month_label(next_month) if next_month else "",
            "feed_url": request.build_absolute_uri(_feed_path(request, enrollment)),
            "awaits_calendar": selectors.awaits_custody_calendar(enrollment),
            "statuses": DayStatus,
        },
    )


def _feed_path(request, enrollment):
    return reverse("portal:planning_feed", kwargs={"token": enrollment.feed_token})


def planning_feed(request, token):
    """The iCalendar feed of the meal days (secret address, for the parent's calendar app)."""
    enrollment = get_object_or_404(
        Enrollment.objects.for_caisse(request.caisse).select_related(
            "child", "school", "school_year", "household"
        ),
        feed_token=token,
    )
    days = selectors.meal_days(
        caisse=request.caisse,
        start=enrollment.start_date,
        end=enrollment.end_date,
        household_ids=[enrollment.household_id],
    ).get((enrollment.household_id, enrollment.child_id), [])
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    summary = _("Cantine : %(child)s") % {"child": enrollment.child.first_name}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Réfectoire//Planning de l'enfant//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape(summary)}",
    ]
    for day in days:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{enrollment.uuid}-{day:%Y%m%d}@refectoire",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_escape(summary)}",
            f"LOCATION:{_ics_escape(enrollment.school.name)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cantine.ics"'
    return response


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@login_required
@require_http_methods(["GET", "POST"])
def rhythm_change(request, enrollment_uuid):
    """ "Changer le rythme": the new weekdays, validated by an agent, from the next billing period."""
    enrollment = _enrollment(request, enrollment_uuid)
    form = RhythmChangeForm(
        request.POST or None, school=enrollment.school, initial={"weekdays": list(enrollment.weekdays)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rhythm_change_request(
                enrollment=enrollment,
                weekdays="".join(sorted(form.cleaned_data["weekdays"])),
                requested_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande a été envoyée : une fois validée, elle s'appliquera à la prochaine période de facturation."
                ),
            )
            return redirect("portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    return render(request, "portal/enrollment/rhythm.html", {"form": form, "enrollment": enrollment})


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_cancel(request, enrollment_uuid):
    enrollment = _enrollment(request, enrollment_uuid)
    if enrollment.state != EnrollmentState.ACTIVE:
        return redirect("portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_cancel(
                enrollment=enrollment,
                last_day=form.cleaned_data["last_day"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                by=PARENT,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La désinscription est enregistrée."))
            return redirect("portal:enrollment_done", enrollment_uuid=enrollment.uuid)
    return render(request, "portal/enrollment/cancel.html", {"form": form, "enrollment": enrollment})
