"""Back office: enrollments (list, export, detail with history), rhythm changes, shared custody
(linking and the per-week editor), "Effectifs prévus" with its chart, and the attendance check."""

import calendar as pycalendar
import csv
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.enrollment import selectors, services
from refectoire.enrollment.enums import (
    WEEKDAY_NAMES,
    AbsenceState,
    RhythmChangeState,
    allergen_names,
)
from refectoire.enrollment.models import (
    Absence,
    Attendance,
    ChildLink,
    CustodyWeek,
    Enrollment,
    Pai,
    RhythmChange,
)
from refectoire.households.models import Child
from refectoire.menus.selectors import group_of_school, marked_allergens, monday_of, published_week, week_days
from refectoire.schools.models import SchoolYear
from refectoire.www.backoffice.access import agent_or_canteen_staff_required, agent_required
from refectoire.www.backoffice.enrollment.forms import (
    CancelForm,
    EnrollmentFilterForm,
    ForecastForm,
    LinkForm,
)
from refectoire.www.backoffice.queues import queue
from refectoire.www.files import document_response


def _filtered(request):
    form = EnrollmentFilterForm(request.GET or None, caisse=request.caisse)
    enrollments = (
        Enrollment.objects.for_caisse(request.caisse)
        .select_related("household", "child", "school", "school_year")
        .prefetch_related("household__guardians")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            enrollments = enrollments.filter(school_year=data["year"])
        if data["school"]:
            enrollments = enrollments.filter(school=data["school"])
        if data["state"]:
            enrollments = enrollments.filter(state=data["state"])
        if data["custody"]:
            enrollments = enrollments.filter(custody=data["custody"])
        if data["q"]:
            q = data["q"].strip()
            enrollments = enrollments.filter(
                Q(child__last_name__icontains=q)
                | Q(child__first_name__icontains=q)
                | Q(child__reference=q)
                | Q(household__reference=q)
            )
    return form, enrollments.order_by("school__name", "child__last_name", "child__first_name")


@agent_required
def enrollment_list(request):
    form, enrollments = _filtered(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="inscriptions.csv"'
        writer = csv.writer(response, delimiter=";")
        for row in selectors.enrollment_export_rows(school_year=None, enrollments=enrollments):
            writer.writerow(row)
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "backoffice/enrollment/list.html",
        {
            "form": form,
            "enrollments": enrollments[:500],
            "count": enrollments.count(),
            "csv_query": query.urlencode(),
        },
    )


def _agent_enrollment(request, enrollment_uuid):
    return get_object_or_404(
        Enrollment.objects.for_caisse(request.caisse).select_related(
            "household", "child", "school", "school_year"
        ),
        uuid=enrollment_uuid,
    )


@agent_required
@require_http_methods(["GET", "POST"])
def enrollment_detail(request, enrollment_uuid):
    enrollment = _agent_enrollment(request, enrollment_uuid)
    access_log_for_request(
        request, kind=AccessKind.CHILD, object_id=enrollment.child.uuid, household_id=enrollment.household_id
    )
    link, other = services.linked_child(enrollment.child)
    link_form = None
    if link is None:
        candidates = (
            Child.objects.filter(
                household__caisse=request.caisse, first_name__iexact=enrollment.child.first_name
            )
            .exclude(household=enrollment.household)
            .exclude(link_as_a__isnull=False)
            .exclude(link_as_b__isnull=False)
            .select_related("household")
        )
        link_form = LinkForm(request.POST if "link" in request.POST else None)
        link_form.fields["other_child"].queryset = candidates
        link_form.fields["other_child"].label_from_instance = lambda c: f"{c.full_name} — {c.household}"
        if request.method == "POST" and "link" in request.POST and link_form.is_valid():
            try:
                services.child_link_create(
                    caisse=request.caisse,
                    child_a=enrollment.child,
                    child_b=link_form.cleaned_data["other_child"],
                    actor=request.user,
                )
            except ValidationError as error:
                link_form.add_error(None, error.messages)
            else:
                messages.success(request, _("Les deux foyers de l'enfant sont liés."))
                return redirect("backoffice:enrollment_detail", enrollment_uuid=enrollment.uuid)
    cancel_form = CancelForm(request.POST if "cancel" in request.POST else None)
    if request.method == "POST" and "cancel" in request.POST and cancel_form.is_valid():
        try:
            services.enrollment_cancel(enrollment=enrollment, actor=request.user, **cancel_form.cleaned_data)
        except ValidationError as error:
            cancel_form.add_error(None, error.messages)
        else:
            messages.success(request, _("La désinscription est enregistrée."))
            return redirect("backoffice:enrollment_detail", enrollment_uuid=enrollment.uuid)
    return render(
        request,
        "backoffice/enrollment/detail.html",
        {
            "enrollment": enrollment,
            "link": link,
            "other": other,
            "link_form": link_form,
            "cancel_form": cancel_form,
            "events": enrollment.events.select_related("actor"),
            "history": enrollment.history.all()[:50],
            "changes": enrollment.rhythm_changes.all(),
            "weekday_names": enrollment.get_weekdays_display(),
        },
    )


@agent_required
def custody_document(request, enrollment_uuid):
    """The custody calendar (PDF) the parent joined, served after scoping to the Caisse."""
    enrollment = _agent_enrollment(request, enrollment_uuid)
    document = enrollment.custody_document
    if document is None or document.caisse_id != request.caisse.pk or document.deleted_at:
        raise Http404
    return document_response(document)


@agent_required
@require_POST
def rhythm_change_decide(request, change_uuid):
    change = get_object_or_404(
        RhythmChange.objects.filter(enrollment__caisse=request.caisse).select_related("enrollment"),
        uuid=change_uuid,
    )
    try:
        if request.POST.get("decision") == "validate":
            change = services.rhythm_change_apply(
                change=change, actor=request.user, message=request.POST.get("message", "")
            )
            messages.success(
                request,
                _("Changement de rythme validé : en vigueur le %(day)s.")
                % {"day": change.starts_on.strftime("%d/%m/%Y")},
            )
        else:
            services.rhythm_change_reject(
                change=change, actor=request.user, message=request.POST.get("message", "")
            )
            messages.success(request, _("Changement de rythme refusé."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:enrollment_detail", enrollment_uuid=change.enrollment.uuid)


@agent_required
def rhythm_change_list(request):
    changes = RhythmChange.objects.filter(
        enrollment__caisse=request.caisse, state=RhythmChangeState.PENDING
    ).select_related("enrollment__child", "enrollment__school")
    return render(request, "backoffice/enrollment/rhythm_list.html", {"changes": changes})


@agent_required
@require_http_methods(["GET", "POST"])
def custody_weeks(request, link_uuid):
    """The per-week editor of a custody calendar: each week to one household, or none."""
    link = get_object_or_404(
        ChildLink.objects.filter(caisse=request.caisse).select_related(
            "child_a__household", "child_b__household"
        ),
        uuid=link_uuid,
    )
    year = (
        SchoolYear.objects.for_caisse(request.caisse)
        .filter(enrollments__child__in=[link.child_a, link.child_b])
        .order_by("-first_day")
        .first()
    ) or SchoolYear.objects.for_caisse(request.caisse).containing(timezone.localdate()).first()
    mondays = []
    if year:
        monday = services.monday_of(year.first_day)
        while monday <= year.last_day:
            mondays.append(monday)
            monday += datetime.timedelta(days=7)
    households = {"a": link.child_a.household, "b": link.child_b.household}
    if request.method == "POST":
        weeks = {}
        for monday in mondays:
            choice = request.POST.get(f"w{monday:%Y%m%d}", "")
            weeks[monday] = households.get(choice)
        services.custody_weeks_set(link=link, weeks=weeks, actor=request.user)
        messages.success(request, _("Le calendrier de garde a été enregistré."))
        return redirect("backoffice:custody_weeks", link_uuid=link.uuid)
    current = dict(CustodyWeek.objects.filter(link=link).values_list("monday", "household_id"))
    without_payer = set(selectors.custody_link_weeks_without_payer(link=link))
    rows = []
    for monday in mondays:
        holder = current.get(monday)
        rows.append(
            {
                "without_payer": monday in without_payer,
                "monday": monday,
                "name": f"w{monday:%Y%m%d}",
                "week": monday.isocalendar().week,
                "choice": "a"
                if holder == households["a"].pk
                else "b"
                if holder == households["b"].pk
                else "",
            }
        )
    return render(
        request,
        "backoffice/enrollment/custody_weeks.html",
        {
            "link": link,
            "rows": rows,
            "year": year,
            "household_a": households["a"],
            "household_b": households["b"],
            "without_payer_count": len(without_payer),
        },
    )


@agent_required
def custody_to_complete(request):
    """Shared custody by calendar to complete: enrollments waiting for their custody calendar (no
    meal planned, nothing billed) and calendars that leave weeks to no household."""
    waiting, gaps = selectors.custody_calendars_to_complete(caisse=request.caisse)
    links = {}
    for link in ChildLink.objects.filter(
        caisse=request.caisse, child_a_id__in=[e.child_id for e in waiting]
    ) | ChildLink.objects.filter(caisse=request.caisse, child_b_id__in=[e.child_id for e in waiting]):
        links[link.child_a_id] = links[link.child_b_id] = link
    return render(
        request,
        "backoffice/enrollment/custody_to_complete.html",
        {
            "waiting": [{"enrollment": e, "link": links.get(e.child_id)} for e in waiting],
            "gaps": gaps,
        },
    )


def chart_svg(by_day: dict, *, title: str) -> dict:
    """Bars of the expected meals per day, as data for a server-rendered SVG."""
    days = sorted(by_day)
    peak = max([len(v) for v in by_day.values()] + [1])
    width, height, bar = 24 * max(len(days), 1) + 40, 220, 18
    bars = []
    for index, day in enumerate(days):
        count = len(by_day[day])
        h = round(160 * count / peak)
        bars.append(
            {
                "x": 30 + index * 24,
                "y": 190 - h,
                "h": h,
                "w": bar,
                "count": count,
                "label": day.strftime("%d"),
                "title": f"{day:%d/%m/%Y} : {count}",
            }
        )
    return {"width": width, "height": height, "bars": bars, "peak": peak, "title": title}


@agent_required
def forecast(request):
    """ "Effectifs prévus": meals expected at a school for a day or a week, by weekday, with the children."""
    form = ForecastForm(request.GET or None, caisse=request.caisse)
    context = {"form": form}
    if form.is_valid():
        school = form.cleaned_data["school"]
        day = form.cleaned_data["day"] or timezone.localdate()
        if form.cleaned_data["scope"] == "week":
            start = services.monday_of(day)
            end = start + datetime.timedelta(days=4)
        else:
            start = end = day
        by_day = selectors.expected_meals(caisse=request.caisse, school=school, start=start, end=end)
        absent_by_day = selectors.absent_meals(caisse=request.caisse, school=school, start=start, end=end)
        ids = {pk for pks in by_day.values() for pk in pks} | {
            pk for pks in absent_by_day.values() for pk in pks
        }
        enrollments = {
            e.pk: e for e in Enrollment.objects.filter(pk__in=ids).select_related("child", "household")
        }

        forecast_rows = {
            row.day: row
            for row in selectors.kitchen_forecast(
                caisse=request.caisse, start=start, end=end, school_ids=[school.pk]
            )
        }

        def by_name(pks):
            return sorted(
                (enrollments[pk] for pk in pks), key=lambda e: (e.child.last_name, e.child.first_name)
            )

        days = [
            {
                "day": d,
                "weekday": WEEKDAY_NAMES[d.isoweekday()],
                "count": len(pks),
                "by_option": list(forecast_rows[d].by_option.items()) if d in forecast_rows else [],
                "pai_meals": forecast_rows[d].pai_meals if d in forecast_rows else 0,
                "children": by_name(pks),
                "absent": by_name(absent_by_day.get(d, [])),
            }
            for d, pks in sorted(by_day.items())
        ]
        month = day.replace(day=1)
        month_end = month.replace(day=pycalendar.monthrange(month.year, month.month)[1])
        month_by_day = selectors.expected_meals(
            caisse=request.caisse, school=school, start=month, end=month_end
        )
        context.update(
            {
                "school": school,
                "days": days,
                "total": sum(d["count"] for d in days),
                "chart": chart_svg(
                    month_by_day,
                    title=_("Repas prévus par jour, %(month)s") % {"month": month.strftime("%m/%Y")},
                ),
                "month_table": [(d, len(pks)) for d, pks in sorted(month_by_day.items()) if pks],
            }
        )
    return render(request, "backoffice/enrollment/forecast.html", context)


def attendance_form(request):
    """The school and day chosen; canteen staff choose among their own schools only."""
    form = ForecastForm(request.GET or None, caisse=request.caisse)
    if request.canteen_staff is not None:
        form.fields["school"].queryset = request.canteen_staff.schools.filter(caisse=request.caisse)
    return form


def attendance_rows(request, *, school, day):
    """The children expected at `school` on `day`, those whose absence was accepted, and the PAI
    shown next to each child (every PAI shown is written in the access log)."""
    expected_ids = selectors.expected_meals(caisse=request.caisse, school=school, start=day, end=day)[day]
    absent = list(
        Enrollment.objects.filter(
            pk__in=selectors.absent_meals(caisse=request.caisse, school=school, start=day, end=day)[day]
        )
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
    )
    enrollments = list(
        Enrollment.objects.filter(pk__in=expected_ids)
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
    )
    return expected_ids, enrollments, absent


@agent_or_canteen_staff_required
@require_http_methods(["GET", "POST"])
def attendance(request):
    """ "Pointage": for a school and a day, who actually ate; saved per day. Agents see every school,
    canteen staff their own schools."""
    form = attendance_form(request)
    context = {"form": form}
    if form.is_valid():
        school = form.cleaned_data["school"]
        day = form.cleaned_data["day"] or timezone.localdate()
        expected_ids, enrollments, absent = attendance_rows(request, school=school, day=day)
        if request.method == "POST":
            present = [pk for pk in request.POST.getlist("present") if pk.isdigit()]
            services.attendance_save(
                school=school, day=day, present_ids=[int(pk) for pk in present if int(pk) in expected_ids],
                expected_ids=expected_ids, actor=request.user,
            )  # fmt: skip
            messages.success(
                request, _("Le pointage du %(day)s est enregistré.") % {"day": day.strftime("%d/%m/%Y")}
            )
            return redirect(request.get_full_path())
        pai_rows = pai_markers(request, school=school, day=day, enrollments=enrollments)
        recorded = dict(
            Attendance.objects.filter(day=day, enrollment__in=enrollments).values_list(
                "enrollment_id", "present"
            )
        )
        context.update(
            {
                "school": school,
                "day": day,
                "rows": [
                    {
                        "enrollment": e,
                        "present": recorded.get(e.pk, False),
                        "recorded": e.pk in recorded,
                        "pai": pai_rows.get(e.child_id),
                    }
                    for e in enrollments
                ],
                "present_count": sum(1 for v in recorded.values() if v),
                "menu_day": menu_day_of(request.caisse, school, day),
                "absent": absent,
            }
        )
    elif request.method == "POST":
        return redirect("backoffice:attendance")
    return render(request, "backoffice/enrollment/attendance.html", context)


@agent_or_canteen_staff_required
def attendance_print(request):
    """The attendance list of a school and day to print: each child, its PAI (kind, allergens, the
    day's dishes containing them) and an empty box to tick by hand."""
    form = attendance_form(request)
    if not form.is_valid():
        raise Http404
    school = form.cleaned_data["school"]
    day = form.cleaned_data["day"] or timezone.localdate()
    _expected, enrollments, absent = attendance_rows(request, school=school, day=day)
    pai_rows = pai_markers(request, school=school, day=day, enrollments=enrollments)
    return render(
        request,
        "backoffice/enrollment/attendance_print.html",
        {
            "school": school,
            "day": day,
            "rows": [{"enrollment": e, "pai": pai_rows.get(e.child_id)} for e in enrollments],
            "menu_day": menu_day_of(request.caisse, school, day),
            "absent": absent,
        },
    )


def menu_day_of(caisse, school, day):
    """The day's published dishes at `school` (None when no published menu)."""
    group = group_of_school(caisse, school)
    week = published_week(caisse, group, monday_of(day)) if group is not None else None
    if week is None:
        return None
    return next((menu_day for menu_day in week_days(week) if menu_day.day == day), None)


def pai_markers(request, *, school, day, enrollments) -> dict[int, dict]:
    """child id -> the validated PAI in force on `day` (kind, allergens, the day's dishes containing
    them). Each PAI shown is written in the access log."""
    menu_day = menu_day_of(request.caisse, school, day)
    markers = {}
    pais = (
        Pai.objects.for_caisse(request.caisse)
        .in_force(day)
        .filter(child_id__in=[e.child_id for e in enrollments])
    )
    for pai in pais:
        dishes = [
            {"name": dish.name, "allergens": allergen_names(marked_allergens(dish.allergens, pai.allergens))}
            for dish in (menu_day.dishes if menu_day else [])
            if marked_allergens(dish.allergens, pai.allergens)
        ]
        markers[pai.child_id] = {"pai": pai, "dishes": dishes}
        access_log_for_request(
            request, kind=AccessKind.PAI, object_id=pai.uuid, household_id=pai.household_id
        )
    return markers


def enrollment_queues(request) -> list[dict]:
    waiting, gaps = selectors.custody_calendars_to_complete(caisse=request.caisse)
    return [
        {
            "label": _("Gardes alternées à compléter (calendrier de garde)"),
            "count": len(waiting) + len(gaps),
            "oldest": None,
            "url": reverse("backoffice:custody_to_complete"),
        },
        queue(
            label=_("Changements de rythme à valider"),
            queryset=RhythmChange.objects.filter(
                enrollment__caisse=request.caisse, state=RhythmChangeState.PENDING
            ),
            since="created_at",
            url=reverse("backoffice:rhythm_change_list"),
        ),
        queue(
            label=_("Absences à décider"),
            queryset=Absence.objects.for_caisse(request.caisse).filter(state=AbsenceState.PENDING),
            since="created_at",
            url=reverse("backoffice:absence_list"),
        ),
    ]
