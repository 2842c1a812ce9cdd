from django import forms
from django.utils.translation import gettext_lazy as _


class MandateForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Titulaire du compte"),
        max_length=70,
        help_text=_("Nom et prénom, tels qu'ils figurent sur le relevé d'identité bancaire"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("27 caractères pour un compte en France, par exemple FR76 3000 6000 0112 3456 7890 189"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Seulement si nous ne reconnaissons pas la banque de votre IBAN"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    accepted = forms.BooleanField(
        label=_("J'ai lu le mandat ci-dessus et j'autorise la Caisse à prélever mes factures sur ce compte"),
        required=False,
    )
    password = forms.CharField(
        label=_("Mot de passe de votre compte"),
        help_text=_("Pour confirmer votre signature"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
        max_length=128,
    )


class RevokeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme : mes prochaines factures ne seront plus prélevées"), required=False
    )
