"""Parent side of the absences: "Signaler une absence" (with what it covers and whether the notice
is kept, before confirming), "Mes absences" and cancelling an absence that has not started."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.enrollment import absences as absence_services
from refectoire.enrollment import selectors
from refectoire.enrollment.enums import AbsenceState, EnrollmentState
from refectoire.enrollment.models import Absence, Enrollment
from refectoire.www.portal import access
from refectoire.www.portal.enrollment.forms import AbsenceForm


def _validated_household(request):
    household = access.household(request, validated_only=True)
    if household is None:
        raise Http404
    return household


def _current_enrollments(household):
    """The household's enrollments a parent can declare an absence on: active and not over."""
    return (
        Enrollment.objects.for_household(household)
        .filter(state=EnrollmentState.ACTIVE, end_date__gte=timezone.localdate())
        .select_related("child", "school")
        .order_by("child__first_name", "start_date")
    )


@login_required
@require_http_methods(["GET", "POST"])
def absence_create(request):
    """ "Signaler une absence": a first submit shows the meal days covered, whether the notice is
    kept and what will follow; "Confirmer" declares it."""
    household = _validated_household(request)
    rules = absence_services.absence_rules_ensure(caisse=request.caisse)
    enrollments = _current_enrollments(household)
    notice = selectors.notice_rule_text(rules)
    initial = {}
    chosen = request.GET.get("inscription")
    if chosen:
        initial["enrollment"] = chosen
    form = AbsenceForm(
        request.POST or None,
        initial=initial,
        enrollments=enrollments,
        reasons=selectors.absence_reasons(request.caisse),
        notice_help=_("Une absence se signale %(notice)s.") % {"notice": notice},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enrollment = data["enrollment"]
        try:
            if request.POST.get("confirm") == "1":
                absence = absence_services.absence_declare(
                    household=household,
                    child=enrollment.child,
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    reason=data["reason"],
                    comment=data["comment"],
                    actor=request.user,
                )
            else:
                absence = None
                if data["first_day"] < timezone.localdate():
                    raise ValidationError(
                        {
                            "first_day": _(
                                "Le premier jour est passé : une absence se signale à l'avance. Pour une "
                                "maladie, demandez le remboursement des jours de cantine."
                            )
                        }
                    )
                days = absence_services.absence_meal_days(
                    household=household,
                    child=enrollment.child,
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                )
                deadline = selectors.notice_deadline(
                    caisse=request.caisse, first_day=data["first_day"], rules=rules
                )
                kept = timezone.now() < deadline
                preview = {
                    "meals": len(days),
                    "notice_kept": kept,
                    "deadline": timezone.localtime(deadline),
                    "auto": kept and data["reason"].auto_accept,
                    "illness_late": data["reason"].is_illness and not kept,
                }
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if absence is not None:
                if absence.state == AbsenceState.ACCEPTED:
                    messages.success(request, _("L'absence est acceptée : ces repas ne seront pas facturés."))
                else:
                    messages.info(
                        request,
                        _("L'absence est signalée : elle attend la décision de la Caisse des écoles."),
                    )
                return redirect("portal:absence_list")
    return render(
        request,
        "portal/enrollment/absence_form.html",
        {
            "form": form,
            "preview": preview,
            "notice": notice,
            "has_enrollments": enrollments.exists(),
            "refund_slug": "remboursement-maladie",
        },
    )


@login_required
def absence_list(request):
    """ "Mes absences": every absence of the household's children, newest first, with its state."""
    household = _validated_household(request)
    today = timezone.localdate()
    absences = list(
        Absence.objects.for_household(household)
        .select_related("child", "reason")
        .order_by("-first_day", "-pk")
    )
    rows = [
        {
            "absence": absence,
            "cancellable": absence.state in (AbsenceState.PENDING, AbsenceState.ACCEPTED)
            and absence.first_day > today,
            "invoiced": absence.state == AbsenceState.ACCEPTED and bool(selectors.invoiced_days(absence)),
        }
        for absence in absences
    ]
    return render(
        request,
        "portal/enrollment/absence_list.html",
        {
            "rows": rows,
            "refund_slug": "remboursement-maladie",
            "has_enrollments": _current_enrollments(household).exists(),
        },
    )


@login_required
@require_POST
def absence_cancel(request, absence_uuid):
    household = _validated_household(request)
    absence = get_object_or_404(Absence.objects.for_household(household), uuid=absence_uuid)
    try:
        absence_services.absence_cancel(absence=absence, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'absence est annulée : les repas de ces jours sont de nouveau prévus."))
    return redirect("portal:absence_list")
