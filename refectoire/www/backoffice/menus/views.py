"""Back office: menus (groups, the week grid, copy a week, publish, the vegetarian warning, EGAlim
figures and their CSV), the Caisse's meal options, and the PAI (the queue, one PAI logged in the
access log, validate or refuse)."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.core.forms import add_service_errors
from refectoire.enrollment.enums import PaiState
from refectoire.enrollment.models import MealOption, Pai
from refectoire.enrollment.options import meal_option_save
from refectoire.enrollment.pai import pai_refuse, pai_validate
from refectoire.enrollment.selectors import pais_for_canteen_staff
from refectoire.menus import services
from refectoire.menus.enums import Course, MenuWeekState
from refectoire.menus.models import MenuGroup, MenuWeek
from refectoire.menus.selectors import egalim_figures, has_vegetarian_meal, monday_of
from refectoire.www.backoffice.access import agent_or_canteen_staff_required, agent_required, manager_required
from refectoire.www.backoffice.menus.forms import (
    CopyForm,
    DishForm,
    GroupForm,
    MealOptionForm,
    PaiDecisionForm,
)
from refectoire.www.files import document_response

DishFormSet = formset_factory(DishForm, extra=0)
WEEKS_SHOWN = 6
EMPTY_ROWS_PER_DAY = 2


@agent_required
def menus_home(request):
    """The groups and, for each, the weeks around today: state, number of dishes, vegetarian warning."""
    first = monday_of(timezone.localdate()) - datetime.timedelta(days=7)
    mondays = [first + datetime.timedelta(days=7 * i) for i in range(WEEKS_SHOWN)]
    groups = list(MenuGroup.objects.for_caisse(request.caisse).prefetch_related("schools"))
    weeks = {
        (week.group_id, week.monday): week
        for week in MenuWeek.objects.for_caisse(request.caisse)
        .filter(monday__in=mondays)
        .prefetch_related("dishes")
    }
    rows = []
    for group in groups:
        cells = []
        for monday in mondays:
            week = weeks.get((group.pk, monday))
            dishes = len(week.dishes.all()) if week else 0
            cells.append(
                {
                    "monday": monday,
                    "week": week,
                    "dishes": dishes,
                    "no_vegetarian": bool(dishes) and not has_vegetarian_meal(week),
                }
            )
        rows.append({"group": group, "cells": cells})
    return render(request, "backoffice/menus/home.html", {"rows": rows})


@manager_required
@require_http_methods(["GET", "POST"])
def menu_group_edit(request, group_uuid=None):
    group = None
    if group_uuid is not None:
        group = get_object_or_404(MenuGroup.objects.for_caisse(request.caisse), uuid=group_uuid)
    initial = {"name": group.name, "schools": list(group.schools.all())} if group else {}
    form = GroupForm(request.POST or None, caisse=request.caisse, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.menu_group_save(
                caisse=request.caisse,
                group=group,
                name=form.cleaned_data["name"],
                schools=form.cleaned_data["schools"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le groupe de menus est enregistré."))
            return redirect("backoffice:menus_home")
    return render(request, "backoffice/menus/group_form.html", {"form": form, "group": group})


def _week(request, group_uuid, monday: str) -> tuple[MenuGroup, datetime.date]:
    group = get_object_or_404(MenuGroup.objects.for_caisse(request.caisse), uuid=group_uuid)
    try:
        day = datetime.date.fromisoformat(monday)
    except ValueError:
        day = None
    if day is None or day.weekday() != 0:
        raise Http404
    return group, day


def _grid_initial(week, monday):
    rows = []
    for offset in range(5):
        day = monday + datetime.timedelta(days=offset)
        dishes = [d for d in week.dishes.all() if d.day == day] if week else []
        for dish in dishes:
            rows.append(
                {
                    "day": day,
                    "course": dish.course,
                    "name": dish.name,
                    "allergens": dish.allergens,
                    "labels": dish.labels,
                }
            )
        used = {d.course for d in dishes}
        missing = [code for code in Course.values if code not in used]
        for index in range(EMPTY_ROWS_PER_DAY):
            rows.append(
                {"day": day, "course": missing[index] if index < len(missing) else Course.MAIN, "name": ""}
            )
    return rows


@agent_required
@require_http_methods(["GET", "POST"])
def menu_week_edit(request, group_uuid, monday):
    """The week grid: each school day, its dishes (course, name, allergens, labels); save, copy, publish."""
    group, monday = _week(request, group_uuid, monday)
    week = MenuWeek.objects.filter(group=group, monday=monday).prefetch_related("dishes").first()
    formset = DishFormSet(request.POST or None, initial=_grid_initial(week, monday), prefix="dish")
    if request.method == "POST" and formset.is_valid():
        try:
            target = week or services.menu_week_ensure(group=group, monday=monday)
            services.menu_week_set_dishes(
                week=target,
                dishes=[form.cleaned_data for form in formset.forms if form.cleaned_data],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Les menus de la semaine sont enregistrés."))
            return redirect("backoffice:menu_week", group_uuid=group.uuid, monday=monday.isoformat())
    days = []
    for offset in range(5):
        day = monday + datetime.timedelta(days=offset)
        days.append(
            {"day": day, "forms": [f for f in formset.forms if f["day"].value() in (day, day.isoformat())]}
        )
    return render(
        request,
        "backoffice/menus/week.html",
        {
            "group": group,
            "monday": monday,
            "week": week,
            "days": days,
            "formset": formset,
            "copy_form": CopyForm(initial={"monday": monday + datetime.timedelta(days=7)}),
            "no_vegetarian": week is not None and week.dishes.all() and not has_vegetarian_meal(week),
            "previous": (monday - datetime.timedelta(days=7)).isoformat(),
            "next": (monday + datetime.timedelta(days=7)).isoformat(),
            "published": week is not None and week.state == MenuWeekState.PUBLISHED,
        },
    )


@agent_required
@require_POST
def menu_week_copy(request, group_uuid, monday):
    group, monday = _week(request, group_uuid, monday)
    source = get_object_or_404(MenuWeek.objects.filter(group=group), monday=monday)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            target = services.menu_week_copy(
                source=source, monday=form.cleaned_data["monday"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Semaine copiée vers celle du %(day)s.") % {"day": target.monday.strftime("%d/%m/%Y")},
            )
            return redirect("backoffice:menu_week", group_uuid=group.uuid, monday=target.monday.isoformat())
    else:
        messages.error(request, _("Indiquez le lundi de la semaine où copier."))
    return redirect("backoffice:menu_week", group_uuid=group.uuid, monday=monday.isoformat())


@agent_required
@require_POST
def menu_week_publish(request, group_uuid, monday):
    group, monday = _week(request, group_uuid, monday)
    week = get_object_or_404(MenuWeek.objects.filter(group=group), monday=monday)
    try:
        services.menu_week_publish(week=week, agent=request.user)
        messages.success(request, _("La semaine est publiée : les familles la voient."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:menu_week", group_uuid=group.uuid, monday=monday.isoformat())


def _year(request) -> int:
    value = request.GET.get("annee", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@agent_required
def egalim(request):
    year = _year(request)
    rows = egalim_figures(caisse=request.caisse, year=year)
    return render(request, "backoffice/menus/egalim.html", {"rows": rows, "year": year})


@agent_required
def egalim_csv(request):
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="egalim-{request.caisse.slug}-{year}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["mois", "groupe_de_menus", "plats", "plats_egalim", "plats_bio", "part_egalim_pct", "part_bio_pct"]
    )
    for row in egalim_figures(caisse=request.caisse, year=year):
        writer.writerow(
            [
                f"{row.month:%Y-%m}",
                row.group,
                row.dishes,
                row.quality,
                row.organic,
                row.quality_share,
                row.organic_share,
            ]
        )
    return response


@manager_required
@require_http_methods(["GET", "POST"])
def meal_options(request):
    options = MealOption.objects.for_caisse(request.caisse)
    option = None
    if request.GET.get("option"):
        option = get_object_or_404(options, uuid=request.GET["option"])
    initial = (
        {"label": option.label, "position": option.position, "is_active": option.is_active}
        if option
        else None
    )
    form = MealOptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meal_option_save(caisse=request.caisse, option=option, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'option de repas est enregistrée."))
            return redirect("backoffice:meal_options")
    return render(
        request, "backoffice/menus/meal_options.html", {"options": options, "form": form, "option": option}
    )


@agent_required
def pai_list(request):
    """The PAI of the Caisse, those waiting first (no health details in the list: open one to see it)."""
    state = request.GET.get("state", PaiState.PENDING)
    pais = Pai.objects.for_caisse(request.caisse).select_related("child", "household")
    if state in PaiState.values:
        pais = pais.filter(state=state)
    return render(
        request,
        "backoffice/menus/pai_list.html",
        {"pais": pais.order_by("created_at"), "state": state, "states": PaiState.choices},
    )


def _pai(request, pai_uuid, *, read_only: bool = False) -> Pai:
    """One PAI of the Caisse (for canteen staff, of a child of their schools), logged as viewed.
    Canteen staff only read: their POST is refused (403) once the PAI is found, before it is shown."""
    if getattr(request, "canteen_staff", None) is not None:
        pais = pais_for_canteen_staff(staff=request.canteen_staff, day=timezone.localdate())
    else:
        pais = Pai.objects.for_caisse(request.caisse)
    pai = get_object_or_404(pais.select_related("child", "household", "document"), uuid=pai_uuid)
    if read_only and request.method != "GET":
        raise PermissionDenied
    access_log_for_request(request, kind=AccessKind.PAI, object_id=pai.uuid, household_id=pai.household_id)
    return pai


@agent_or_canteen_staff_required
@require_http_methods(["GET", "POST"])
def pai_detail(request, pai_uuid):
    """An agent reads, validates or refuses a PAI; canteen staff only read it."""
    pai = _pai(request, pai_uuid, read_only=request.canteen_staff is not None)
    form = PaiDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "validate":
                pai_validate(pai=pai, agent=request.user)
                messages.success(request, _("PAI validé : la famille est prévenue par courriel."))
            else:
                pai_refuse(pai=pai, agent=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("PAI refusé : la famille est prévenue par courriel."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("backoffice:pai_detail", pai_uuid=pai.uuid)
    return render(
        request,
        "backoffice/menus/pai_detail.html",
        {
            "pai": pai,
            "form": form,
            "events": pai.events.all(),
            "read_only": request.canteen_staff is not None,
        },
    )


@agent_required
def pai_document(request, pai_uuid):
    pai = _pai(request, pai_uuid)
    if pai.document is None or pai.document.deleted_at is not None:
        raise Http404
    return document_response(pai.document)
