"""Back office: schools, school years and their calendar, closures, billing periods."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.schools import services
from refectoire.schools.models import BillingPeriod, CanteenStaff, Closure, School, SchoolYear
from refectoire.schools.staff import canteen_staff_create, canteen_staff_update
from refectoire.www.backoffice.access import agent_required, manager_required
from refectoire.www.backoffice.schools.forms import (
    CalendarEntryForm,
    CanteenStaffForm,
    ClosureForm,
    SchoolForm,
    SchoolImportForm,
    SchoolYearForm,
)


@manager_required
@require_http_methods(["GET", "POST"])
def school_list(request):
    import_form = SchoolImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and import_form.is_valid():
        try:
            text = import_form.cleaned_data["file"].read().decode("utf-8")
        except UnicodeDecodeError:
            import_form.add_error("file", _("Le fichier doit être en UTF-8."))
        else:
            report = services.schools_import_csv(caisse=request.caisse, text=text)
            if report.ok:
                messages.success(
                    request,
                    _("%(created)d établissement(s) créé(s), %(updated)d mis à jour.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("backoffice:school_list")
    return render(
        request,
        "backoffice/schools/school_list.html",
        {"schools": School.objects.for_caisse(request.caisse), "import_form": import_form, "report": report},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def school_edit(request, school_uuid=None):
    school = None
    if school_uuid is not None:
        school = get_object_or_404(School.objects.for_caisse(request.caisse), uuid=school_uuid)
    form = SchoolForm(request.POST or None, instance=school, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("L'établissement a été enregistré."))
        return redirect("backoffice:school_list")
    return render(request, "backoffice/schools/school_edit.html", {"form": form, "school": school})


@manager_required
@require_http_methods(["GET", "POST"])
def school_year_list(request):
    form = SchoolYearForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.school_year_create(caisse=request.caisse, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'année scolaire et son calendrier ont été créés."))
            return redirect("backoffice:school_year_detail", year_uuid=year.uuid)
    return render(
        request,
        "backoffice/schools/school_year_list.html",
        {"years": SchoolYear.objects.for_caisse(request.caisse), "form": form},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def school_year_detail(request, year_uuid):
    """A school year: its campaign dates, its calendar (corrected by managers), its billing periods."""
    year = get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)
    form = SchoolYearForm(request.POST or None, instance=year, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_year_update(school_year=year, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'année scolaire a été enregistrée."))
            return redirect("backoffice:school_year_detail", year_uuid=year.uuid)
    return render(
        request,
        "backoffice/schools/school_year_detail.html",
        {
            "year": year,
            "form": form,
            "entries": year.calendar_entries.all(),
            "periods": BillingPeriod.objects.for_caisse(request.caisse).filter(school_year=year),
            "entry_form": CalendarEntryForm(),
        },
    )


@manager_required
@require_http_methods(["GET", "POST"])
def calendar_entry_edit(request, year_uuid, entry_uuid=None):
    year = get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)
    entry = None
    if entry_uuid is not None:
        entry = get_object_or_404(year.calendar_entries.all(), uuid=entry_uuid)
    form = CalendarEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.calendar_entry_save(school_year=year, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le calendrier a été corrigé."))
            return redirect("backoffice:school_year_detail", year_uuid=year.uuid)
    return render(
        request, "backoffice/schools/calendar_entry_edit.html", {"form": form, "year": year, "entry": entry}
    )


@manager_required
@require_POST
def calendar_entry_delete(request, year_uuid, entry_uuid):
    year = get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)
    entry = get_object_or_404(year.calendar_entries.all(), uuid=entry_uuid)
    services.calendar_entry_delete(school_year=year, entry=entry)
    messages.success(request, _("Le calendrier a été corrigé."))
    return redirect("backoffice:school_year_detail", year_uuid=year.uuid)


@manager_required
@require_POST
def calendar_reset(request, year_uuid):
    year = get_object_or_404(SchoolYear.objects.for_caisse(request.caisse), uuid=year_uuid)
    services.school_year_calendar_reset(school_year=year)
    messages.success(request, _("Le calendrier a été recalculé."))
    return redirect("backoffice:school_year_detail", year_uuid=year.uuid)


@agent_required
@require_http_methods(["GET", "POST"])
def closure_list(request):
    """Closures (a school or the whole Caisse) that agents add during the year."""
    form = ClosureForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_create(caisse=request.caisse, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La fermeture a été enregistrée."))
            return redirect("backoffice:closure_list")
    closures = Closure.objects.for_caisse(request.caisse).select_related("school")
    return render(request, "backoffice/schools/closure_list.html", {"form": form, "closures": closures})


@agent_required
@require_POST
def closure_delete(request, closure_uuid):
    get_object_or_404(Closure.objects.for_caisse(request.caisse), uuid=closure_uuid).delete()
    messages.success(request, _("La fermeture a été supprimée."))
    return redirect("backoffice:closure_list")


@manager_required
@require_http_methods(["GET", "POST"])
def canteen_staff_list(request):
    """The Caisse's canteen staff accounts, and a form to create one (a manager's task)."""
    form = CanteenStaffForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        try:
            staff = canteen_staff_create(caisse=request.caisse, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Le compte de %(name)s est prêt : identifiant %(username)s.")
                % {"name": staff, "username": staff.user.username},
            )
            return redirect("backoffice:canteen_staff_list")
    staff_list = (
        CanteenStaff.objects.for_caisse(request.caisse).select_related("user").prefetch_related("schools")
    )
    return render(
        request, "backoffice/schools/canteen_staff_list.html", {"staff_list": staff_list, "form": form}
    )


@manager_required
@require_http_methods(["GET", "POST"])
def canteen_staff_edit(request, staff_uuid):
    """Change the schools of a canteen staff account, or end it."""
    staff = get_object_or_404(
        CanteenStaff.objects.for_caisse(request.caisse).select_related("user"), uuid=staff_uuid
    )
    initial = {"schools": list(staff.schools.all()), "is_active": staff.is_active}
    form = CanteenStaffForm(request.POST or None, caisse=request.caisse, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            canteen_staff_update(staff=staff, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le compte de %(name)s est enregistré.") % {"name": staff})
            return redirect("backoffice:canteen_staff_list")
    return render(
        request,
        "backoffice/schools/canteen_staff_edit.html",
        {"staff": staff, "form": form, "history": staff.history.select_related("history_user")[:20]},
    )
