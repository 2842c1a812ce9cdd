from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.privacy.models import PrivacySettings


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = [
            "dpo_name",
            "dpo_email",
            "dpo_address",
            "inactive_years",
            "accounting_years",
            "access_log_days",
            "notice_text",
        ]
        widgets = {
            "dpo_address": forms.Textarea(attrs={"rows": 3}),
            "notice_text": forms.Textarea(attrs={"rows": 12}),
        }


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la suspension"), max_length=300)


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("accept", _("Accepter : fermer le compte et anonymiser le foyer")),
            ("refuse", _("Refuser")),
        ],
        widget=forms.RadioSelect,
    )
    decision_message = forms.CharField(
        label=_("Message à la famille (obligatoire pour un refus)"),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccessLogFilterForm(forms.Form):
    household = forms.CharField(label=_("Référence du foyer"), required=False, max_length=50)
    agent = forms.EmailField(label=_("Courriel de l'agent"), required=False)
