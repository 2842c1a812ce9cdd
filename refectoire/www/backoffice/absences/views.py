"""Back office: the absences. The queue (filters by state, school and dates), one absence with its
timeline and the decision (accept / refuse with a reason, e-mailed to the guardians), recording an
absence for children of a school (a class's trip), and the manager's rules (notice, reasons)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from refectoire.accounts.access_log import access_log_for_request
from refectoire.accounts.enums import AccessKind
from refectoire.core.forms import add_service_errors
from refectoire.enrollment import absences as absence_services
from refectoire.enrollment import selectors
from refectoire.enrollment.enums import AbsenceState
from refectoire.enrollment.models import Absence, AbsenceReason, Enrollment
from refectoire.www.backoffice.absences.forms import (
    AbsenceFilterForm,
    DecisionForm,
    GroupAbsenceForm,
    ReasonForm,
    RulesForm,
)
from refectoire.www.backoffice.access import agent_required, manager_required


@agent_required
def absence_list(request):
    """The absences of the Caisse; by default those waiting for a decision, oldest first."""
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = AbsenceState.PENDING
    form = AbsenceFilterForm(data, caisse=request.caisse)
    absences = (
        Absence.objects.for_caisse(request.caisse)
        .select_related("child", "household", "reason")
        .prefetch_related("household__guardians")
    )
    if form.is_valid():
        filters = form.cleaned_data
        if filters["state"]:
            absences = absences.filter(state=filters["state"])
        if filters["school"]:
            ids = Enrollment.objects.filter(school=filters["school"]).values("child_id")
            absences = absences.filter(child_id__in=ids)
        if filters["start"]:
            absences = absences.filter(last_day__gte=filters["start"])
        if filters["end"]:
            absences = absences.filter(first_day__lte=filters["end"])
        if filters["q"]:
            q = filters["q"].strip()
            absences = absences.filter(
                Q(child__last_name__icontains=q)
                | Q(child__first_name__icontains=q)
                | Q(child__reference=q)
                | Q(household__reference=q)
            )
    absences = absences.order_by("first_day", "pk")
    return render(
        request,
        "backoffice/enrollment/absence_list.html",
        {"form": form, "absences": absences[:500], "count": absences.count()},
    )


@agent_required
@require_http_methods(["GET", "POST"])
def absence_detail(request, absence_uuid):
    absence = get_object_or_404(
        Absence.objects.for_caisse(request.caisse).select_related("child", "household", "reason"),
        uuid=absence_uuid,
    )
    access_log_for_request(
        request, kind=AccessKind.CHILD, object_id=absence.child.uuid, household_id=absence.household_id
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"]
        try:
            if request.POST.get("decision") == "accept":
                absence_services.absence_accept(absence=absence, actor=request.user, message=message)
                messages.success(
                    request, _("Absence acceptée : les responsables sont prévenus par courriel.")
                )
            else:
                absence_services.absence_refuse(absence=absence, actor=request.user, message=message)
                messages.success(request, _("Absence refusée : les responsables sont prévenus par courriel."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("backoffice:absence_detail", absence_uuid=absence.uuid)
    invoiced = selectors.invoiced_days(absence)
    enrollment = (
        Enrollment.objects.for_household(absence.household)
        .filter(child=absence.child, start_date__lte=absence.last_day, end_date__gte=absence.first_day)
        .select_related("school")
        .first()
    )
    return render(
        request,
        "backoffice/enrollment/absence_detail.html",
        {
            "absence": absence,
            "enrollment": enrollment,
            "form": form,
            "events": absence.events.select_related("actor"),
            "invoiced_first": invoiced[0] if invoiced else None,
            "invoiced_last": invoiced[-1] if invoiced else None,
            "deadline": timezone.localtime(
                selectors.notice_deadline(caisse=request.caisse, first_day=absence.first_day)
            ),
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def absence_record(request):
    """Record an absence for children of a school (a class's school trip): choose the school and the
    days, then tick the children; each gets an accepted absence."""
    absence_services.absence_rules_ensure(caisse=request.caisse)
    form = GroupAbsenceForm(request.POST or None, caisse=request.caisse)
    candidates = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidates = True
        if "record" in request.POST:
            if not data["enrollments"]:
                form.add_error("enrollments", _("Cochez au moins un enfant."))
            else:
                made, skipped = absence_services.absence_create_for_group(
                    caisse=request.caisse,
                    enrollments=list(data["enrollments"]),
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    reason=data["reason"],
                    comment=data["comment"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d absence enregistrée et acceptée.",
                        "%(count)d absences enregistrées et acceptées.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                for enrollment, why in skipped:
                    messages.warning(request, f"{enrollment.child.full_name} : {why}")
                return redirect(f"{reverse('backoffice:absence_list')}?state={AbsenceState.ACCEPTED}")
    return render(
        request, "backoffice/enrollment/absence_record.html", {"form": form, "candidates": candidates}
    )


ReasonFormSet = formset_factory(ReasonForm, extra=1)


@manager_required
@require_http_methods(["GET", "POST"])
def absence_rules(request):
    """The manager's rules of the absences: the notice and the reasons (with those accepted at once)."""
    caisse = request.caisse
    rules = absence_services.absence_rules_ensure(caisse=caisse)
    reasons = {str(r.uuid): r for r in AbsenceReason.objects.for_caisse(caisse)}
    rules_form = RulesForm(
        request.POST or None, initial={"notice_days": rules.notice_days, "notice_time": rules.notice_time}
    )
    formset = ReasonFormSet(
        request.POST or None,
        prefix="reasons",
        initial=[
            {
                "uuid": str(r.uuid),
                "label": r.label,
                "auto_accept": r.auto_accept,
                "is_illness": r.is_illness,
                "is_active": r.is_active,
                "position": r.position,
            }
            for r in reasons.values()
        ],
    )
    if request.method == "POST" and rules_form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                absence_services.absence_rules_update(
                    caisse=caisse, actor=request.user, **rules_form.cleaned_data
                )
                for data in formset.cleaned_data:
                    reason = reasons.get(data.get("uuid") or "")
                    if not data.get("label"):
                        if reason is not None:
                            raise ValidationError(
                                _(
                                    "Un motif ne peut pas être vide : décochez « Proposé aux familles » pour le retirer."
                                )
                            )
                        continue
                    absence_services.absence_reason_save(
                        caisse=caisse,
                        reason=reason,
                        label=data["label"],
                        auto_accept=data["auto_accept"],
                        is_illness=data["is_illness"],
                        is_active=data["is_active"] if reason is not None else True,
                        position=data["position"] or 0,
                    )
        except ValidationError as error:
            rules_form.add_error(None, error.messages)
        else:
            messages.success(request, _("Les règles des absences sont enregistrées."))
            return redirect("backoffice:absence_rules")
    return render(
        request,
        "backoffice/enrollment/absence_rules.html",
        {"rules_form": rules_form, "formset": formset, "notice": selectors.notice_rule_text(rules)},
    )
