from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.directdebit.enums import PainVersion, RejectReason, Route


class SepaSettingsForm(forms.Form):
    creditor_name = forms.CharField(label=_("Nom du créancier"), max_length=70)
    creditor_id = forms.CharField(
        label=_("Identifiant créancier SEPA (ICS)"), max_length=35, help_text=_("Par exemple FR12ZZZ123456")
    )
    iban = forms.CharField(label=_("IBAN du compte crédité"), max_length=42)
    bic = forms.CharField(label=_("BIC du compte crédité"), max_length=11)
    debit_days_after_issue = forms.IntegerField(
        label=_("Jours entre l'émission des factures et le prélèvement"),
        min_value=2,
        max_value=60,
        initial=20,
    )
    prenotification_days = forms.IntegerField(
        label=_("Délai de pré-notification (jours)"), min_value=2, max_value=30, initial=14
    )
    route = forms.ChoiceField(label=_("Circuit"), choices=Route.choices, widget=forms.RadioSelect)
    pain_version = forms.ChoiceField(label=_("Version du fichier pain.008"), choices=PainVersion.choices)
    is_active = forms.BooleanField(
        label=_("Proposer le prélèvement automatique aux familles"), required=False
    )
    debit_stays = forms.BooleanField(
        label=_("Prélever aussi les factures de séjour (prélèvement ponctuel OOFF, circuit pain.008)"),
        required=False,
    )


class MandateSearchForm(forms.Form):
    q = forms.CharField(label=_("Foyer, titulaire ou RUM"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=200)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation"), max_length=200)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Motif du rejet"),
        choices=[("", "—")] + [(code, f"{code} — {label}") for code, label in RejectReason.choices],
    )


class ReturnFileForm(forms.Form):
    file = forms.FileField(label=_("Fichier de retour de la banque (pain.002 ou camt.054, XML)"))
