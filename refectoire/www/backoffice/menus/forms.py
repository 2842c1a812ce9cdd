from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.enrollment.enums import Allergen
from refectoire.menus.enums import Course, QualityLabel
from refectoire.schools.models import School


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=100)
    schools = forms.ModelMultipleChoiceField(
        label=_("Établissements servis"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.for_caisse(caisse).order_by("name")


class DishForm(forms.Form):
    """One dish of the week grid; an empty name leaves the row out."""

    day = forms.DateField(widget=forms.HiddenInput)
    course = forms.ChoiceField(label=_("Composante"), choices=Course.choices)
    name = forms.CharField(label=_("Plat"), max_length=200, required=False)
    allergens = forms.MultipleChoiceField(
        label=_("Allergènes"), choices=Allergen.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    labels = forms.MultipleChoiceField(
        label=_("Labels"), choices=QualityLabel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class CopyForm(forms.Form):
    monday = forms.DateField(label=_("Copier vers la semaine du (lundi)"), widget=DateInput)


class MealOptionForm(forms.Form):
    label = forms.CharField(label=_("Intitulé"), max_length=80)
    position = forms.IntegerField(label=_("Ordre"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Proposée aux familles"), required=False, initial=True)


class PaiDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=FREE_TEXT_MAX,
    )
