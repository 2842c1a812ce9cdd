"""Back office: the absences. The queue (filters by state, school and dates), one absence with its
timeline and the decision (accept / refuse with a reason, e-mailed to the guardians), recording an
absence for children of a school (a class's trip), and the manager's rules (notice, reasons)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from refectoire.core.forms import DateInput, add_service_errors
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.enrollment import absences as absence_services
from refectoire.enrollment import selectors
from refectoire.enrollment.enums import AbsenceState, EnrollmentState
from refectoire.enrollment.models import Absence, AbsenceReason, Enrollment
from refectoire.schools.models import School
from refectoire.www.backoffice.access import agent_required, manager_required


class AbsenceFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        choices=[("", gettext_lazy("Tous"))] + AbsenceState.choices,
        required=False,
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("Établissement"), queryset=School.objects.none(), required=False
    )
    start = forms.DateField(label=gettext_lazy("Du"), widget=DateInput, required=False)
    end = forms.DateField(label=gettext_lazy("Au"), widget=DateInput, required=False)
    q = forms.CharField(max_length=100, label=gettext_lazy("Nom de l'enfant ou référence"), required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse)
        self.fields["school"].to_field_name = "code"


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


class DecisionForm(forms.Form):
    message = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=gettext_lazy("Motif de la décision"),
        help_text=gettext_lazy("Obligatoire pour un refus ; envoyé aux responsables par courriel."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@agent_required
@require_http_methods(["GET", "POST"])
def absence_detail(request, absence_uuid):
    absence = get_object_or_404(
        Absence.objects.for_caisse(request.caisse).select_related("child", "household", "reason"),
        uuid=absence_uuid,
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


class GroupAbsenceForm(forms.Form):
    school = forms.ModelChoiceField(label=gettext_lazy("Établissement"), queryset=School.objects.none())
    first_day = forms.DateField(label=gettext_lazy("Premier jour"), widget=DateInput)
    last_day = forms.DateField(label=gettext_lazy("Dernier jour"), widget=DateInput)
    reason = forms.ModelChoiceField(
        label=gettext_lazy("Motif"), queryset=AbsenceReason.objects.none(), required=False
    )
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Par exemple : classe de découverte des CM2 de Mme Martin."),
    )
    enrollments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Enfants absents"),
        queryset=Enrollment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse)
        self.fields["school"].to_field_name = "code"
        self.fields["reason"].queryset = AbsenceReason.objects.for_caisse(caisse)
        self.fields["reason"].to_field_name = "uuid"
        self.fields["enrollments"].to_field_name = "uuid"
        self.fields["enrollments"].label_from_instance = lambda e: f"{e.child.full_name} ({e.household})"
        school_code, first, last = (self.data.get(k) for k in ("school", "first_day", "last_day"))
        if school_code and first and last:
            try:
                first, last = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
            except ValueError:
                return
            self.fields["enrollments"].queryset = (
                Enrollment.objects.for_caisse(caisse)
                .filter(school__code=school_code, state=EnrollmentState.ACTIVE)
                .overlapping(first, last)
                .select_related("child", "household")
                .prefetch_related("household__guardians")
                .order_by("child__last_name", "child__first_name")
            )

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("Le dernier jour doit suivre le premier."))
        return data


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
                    _("%(count)d absence(s) enregistrée(s) et acceptée(s).") % {"count": len(made)},
                )
                for enrollment, why in skipped:
                    messages.warning(request, f"{enrollment.child.full_name} : {why}")
                return redirect(f"{reverse('backoffice:absence_list')}?state={AbsenceState.ACCEPTED}")
    return render(
        request, "backoffice/enrollment/absence_record.html", {"form": form, "candidates": candidates}
    )


class RulesForm(forms.Form):
    notice_days = forms.IntegerField(
        label=gettext_lazy("Délai de prévenance, en jours ouvrés"),
        min_value=0,
        max_value=20,
        help_text=gettext_lazy(
            "Jours ouvrés : du lundi au vendredi, hors jours fériés. 1 : au plus tard le jour ouvré qui "
            "précède le premier jour d'absence ; 0 : le jour même."
        ),
    )
    notice_time = forms.TimeField(
        label=gettext_lazy("Avant l'heure"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Par exemple 12:00 pour midi."),
    )


class ReasonForm(forms.Form):
    uuid = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=gettext_lazy("Motif"), max_length=100, required=False)
    auto_accept = forms.BooleanField(
        label=gettext_lazy("Accepté automatiquement si le délai est respecté"), required=False
    )
    is_illness = forms.BooleanField(
        label=gettext_lazy("Maladie (hors délai : renvoi vers le remboursement)"), required=False
    )
    is_active = forms.BooleanField(label=gettext_lazy("Proposé aux familles"), required=False)
    position = forms.IntegerField(label=gettext_lazy("Ordre"), min_value=0, max_value=999, required=False)


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
