"""The parent's own household forms (the representative and child forms are in www/common/forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SingleParentForm(forms.Form):
    is_single_parent = forms.BooleanField(label=_("Je suis un parent isolé"), required=False)


class ServiceKeyForm(forms.Form):
    key = forms.CharField(
        label=_("Clé"),
        max_length=30,
        help_text=_(
            "La clé d'accès figure sur le courrier de la Caisse des écoles, par exemple ENF-7K3M-Q9TX."
        ),
    )
