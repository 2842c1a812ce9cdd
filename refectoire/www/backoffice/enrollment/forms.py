"""The forms of the enrollment screens."""

from django import forms
from django.utils.translation import gettext_lazy

from refectoire.core.forms import DateInput
from refectoire.enrollment.enums import (
    Custody,
    EnrollmentState,
)
from refectoire.households.models import Child
from refectoire.schools.models import School, SchoolYear


class EnrollmentFilterForm(forms.Form):
    year = forms.ModelChoiceField(
        label=gettext_lazy("Année scolaire"), queryset=SchoolYear.objects.none(), required=False
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("Établissement"), queryset=School.objects.none(), required=False
    )
    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        choices=[("", gettext_lazy("Tous"))] + EnrollmentState.choices,
        required=False,
    )
    custody = forms.ChoiceField(
        label=gettext_lazy("Garde"), choices=[("", gettext_lazy("Toutes"))] + Custody.choices, required=False
    )
    q = forms.CharField(max_length=100, label=gettext_lazy("Nom de l'enfant ou référence"), required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = SchoolYear.objects.for_caisse(caisse)
        self.fields["year"].to_field_name = "label"
        self.fields["school"].queryset = School.objects.for_caisse(caisse)
        self.fields["school"].to_field_name = "code"


class LinkForm(forms.Form):
    other_child = forms.ModelChoiceField(
        label=gettext_lazy("Le même enfant dans l'autre foyer"), queryset=Child.objects.none()
    )


class CancelForm(forms.Form):
    last_day = forms.DateField(
        label=gettext_lazy("Dernier jour de cantine"),
        widget=DateInput(),
    )
    reason = forms.CharField(label=gettext_lazy("Motif"), max_length=300)


class ForecastForm(forms.Form):
    school = forms.ModelChoiceField(label=gettext_lazy("Établissement"), queryset=School.objects.none())
    day = forms.DateField(
        label=gettext_lazy("Jour"),
        widget=DateInput(),
        required=False,
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Période"),
        choices=[("day", gettext_lazy("Le jour")), ("week", gettext_lazy("La semaine"))],
        required=False,
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse)
        self.fields["school"].to_field_name = "uuid"
