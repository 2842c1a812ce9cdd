from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.adultmeals.enums import WEEKDAY_LABELS, AdultRole, Employer
from refectoire.core.forms import DateInput
from refectoire.schools.models import School


class AdultRegistrationForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("Établissement"),
        queryset=School.objects.none(),
        empty_label=_("— Choisissez —"),
        to_field_name="uuid",
    )
    role = forms.ChoiceField(label=_("Fonction"), choices=[("", _("— Choisissez —")), *AdultRole.choices])
    employer = forms.ChoiceField(label=_("Employeur"), choices=[("", _("— Choisissez —")), *Employer.choices])
    employer_name = forms.CharField(
        label=_("Nom de l'employeur"), max_length=200, required=False, help_text=_("Si « Autre employeur ».")
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Jours de repas"), choices=list(WEEKDAY_LABELS.items()), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("À partir du"), widget=DateInput, help_text=_("Format : jj/mm/aaaa"))

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse).filter(is_active=True)


class AdultRegistrationEndForm(forms.Form):
    """« Mettre fin à mon inscription »: the last day the adult eats at the canteen."""

    last_day = forms.DateField(
        label=_("Dernier jour de repas"),
        widget=DateInput,
        help_text=_("Aujourd'hui ou plus tard. Les repas sont facturés jusqu'à ce jour inclus."),
    )
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=500, required=False)
