"""The forms of the absences screens."""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refectoire.core.forms import DateInput
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.enrollment.enums import AbsenceState, EnrollmentState
from refectoire.enrollment.models import AbsenceReason, Enrollment
from refectoire.schools.models import School


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


class DecisionForm(forms.Form):
    message = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=gettext_lazy("Motif de la décision"),
        help_text=gettext_lazy("Obligatoire pour un refus ; envoyé aux responsables par courriel."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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
