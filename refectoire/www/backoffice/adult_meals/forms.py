"""Forms of the agents' adult meals screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput


class AdultRegistrationEndForm(forms.Form):
    """An agent ends a registration, e.g. the teacher left in the middle of the period."""

    last_day = forms.DateField(
        label=_("Dernier jour de repas"),
        widget=DateInput,
        help_text=_(
            "Un jour à partir du premier jour de l'inscription ; les repas sont facturés jusqu'à ce jour inclus."
        ),
    )
    reason = forms.CharField(
        label=_("Motif"), max_length=500, help_text=_("Envoyé à la personne avec la date de fin.")
    )
