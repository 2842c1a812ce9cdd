"""The forms of the household screens."""

from django import forms
from django.utils.translation import gettext_lazy

from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.households.enums import HouseholdState


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[("", gettext_lazy("Tous"))]
        + list(HouseholdState.choices)
        + [("changes", gettext_lazy("Ajouts de membres en attente"))],
    )
    since = forms.DateField(
        label=gettext_lazy("Envoyé à partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Envoyé jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(max_length=100, label=gettext_lazy("Nom"), required=False)


class MessageForm(forms.Form):
    message = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=gettext_lazy("Message à la famille"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=gettext_lazy("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier CSV (UTF-8, séparateur « ; »)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Vérifier seulement (essai à blanc)"), required=False)
    year = forms.CharField(
        max_length=100, label=gettext_lazy("Année scolaire (colonnes d'inscription)"), required=False
    )
