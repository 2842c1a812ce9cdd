from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.partners.enums import ApiScope
from refectoire.schools.models import School


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom"),
        max_length=120,
        help_text=_("Qui l'utilise : « Cuisine centrale Sogeres », « Tablette école Keller »…"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Droits"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un droit.")},
    )
    school = forms.ModelChoiceField(
        label=_("Limité à l'établissement"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Tous les établissements"),
    )
    expires_on = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=DateInput,
        help_text=_("Vide : sans date d'expiration. Le jeton cesse de fonctionner ce jour-là à 0 h."),
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse).order_by("name")
