from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.validators import FREE_TEXT_MAX


class ErasureRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message (facultatif)"),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
