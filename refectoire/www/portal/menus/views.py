"""Parent side of menus: « Menus » (this week and the next, for each child, the dishes containing the
allergens of the child's PAI marked in words), « PAI » (declare, follow, cancel) and the meal
option of each enrollment (in force from the next Monday)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.core.lifecycle import PARENT, can_move
from refectoire.enrollment.enums import EnrollmentState, allergen_names
from refectoire.enrollment.models import Enrollment, MealOption, Pai
from refectoire.enrollment.options import meal_option_choose, next_monday, option_in_force
from refectoire.enrollment.pai import pai_cancel as pai_cancel_service
from refectoire.enrollment.pai import pai_declare as pai_declare_service
from refectoire.menus.selectors import monday_of
from refectoire.www.common.menus import shown_weeks
from refectoire.www.portal.access import household_required
from refectoire.www.portal.menus.forms import MealOptionForm, PaiForm


@household_required
def menus(request, household):
    """« Menus »: for each child enrolled now or next week, the published menus of their school."""
    today = timezone.localdate()
    end = monday_of(today) + datetime.timedelta(days=13)
    enrollments = (
        Enrollment.objects.for_household(household)
        .filter(state=EnrollmentState.ACTIVE, start_date__lte=end, end_date__gte=today)
        .select_related("child", "school")
        .order_by("child__first_name", "start_date")
    )
    pais = list(Pai.objects.for_caisse(request.caisse).filter(household=household).overlapping(today, end))
    children, seen = [], set()
    for enrollment in enrollments:
        if enrollment.child_id in seen:
            continue
        seen.add(enrollment.child_id)
        child_pais = [pai for pai in pais if pai.child_id == enrollment.child_id]
        children.append(
            {
                "prefix": f"child{enrollment.child_id}",
                "child": enrollment.child,
                "school": enrollment.school,
                "pai_allergens": allergen_names(
                    sorted({code for pai in child_pais for code in pai.allergens})
                ),
                "weeks": shown_weeks(request.caisse, enrollment.school, today, pais=child_pais),
            }
        )
    return render(request, "portal/menus/menus.html", {"children": children})


@household_required
def pai_list(request, household):
    pais = Pai.objects.for_caisse(request.caisse).filter(household=household).select_related("child")
    rows = [{"pai": pai, "cancellable": can_move(pai, "cancelled", by=PARENT)} for pai in pais]
    return render(request, "portal/menus/pai_list.html", {"rows": rows})


@household_required
@require_http_methods(["GET", "POST"])
def pai_declare(request, household):
    children = household.children.all()
    form = PaiForm(request.POST or None, request.FILES or None, children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pai_declare_service(
                household=household,
                child=data["child"],
                kind=data["kind"],
                allergens=data["allergens"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                uploaded_file=data["document"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le PAI est transmis à la Caisse des écoles, qui va le valider."))
            return redirect("portal:pai_list")
    return render(request, "portal/menus/pai_form.html", {"form": form})


@household_required
@require_POST
def pai_cancel(request, household, pai_uuid):
    pai = get_object_or_404(Pai.objects.for_caisse(request.caisse).filter(household=household), uuid=pai_uuid)
    try:
        pai_cancel_service(pai=pai, actor=request.user, by=PARENT)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le PAI est annulé."))
    return redirect("portal:pai_list")


@household_required
@require_http_methods(["GET", "POST"])
def meal_options(request, household):
    """The meal of each current enrollment: the standard meal or an option of the Caisse, changed
    from the next Monday."""
    today = timezone.localdate()
    options = MealOption.objects.for_caisse(request.caisse).active()
    enrollments = list(
        Enrollment.objects.for_household(household)
        .filter(state=EnrollmentState.ACTIVE, end_date__gte=today)
        .select_related("child", "school")
        .order_by("child__first_name", "start_date")
    )
    rows = []
    for enrollment in enrollments:
        prefix = f"e{enrollment.pk}"
        current = option_in_force(enrollment, max(today, enrollment.start_date))
        coming = option_in_force(enrollment, max(next_monday(today), enrollment.start_date))
        form = MealOptionForm(
            request.POST if request.POST.get("enrollment") == str(enrollment.uuid) else None,
            options=options,
            prefix=prefix,
            initial={"option": coming},
        )
        rows.append({"enrollment": enrollment, "form": form, "current": current, "coming": coming})
        if form.is_bound and form.is_valid():
            try:
                choice = meal_option_choose(
                    enrollment=enrollment, option=form.cleaned_data["option"], actor=request.user, today=today
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Le repas de %(child)s change à partir du %(day)s.")
                    % {"child": enrollment.child.first_name, "day": choice.starts_on.strftime("%d/%m/%Y")},
                )
                return redirect("portal:meal_options")
    return render(
        request,
        "portal/menus/meal_options.html",
        {"rows": rows, "has_options": options.exists(), "next_monday": next_monday(today)},
    )
