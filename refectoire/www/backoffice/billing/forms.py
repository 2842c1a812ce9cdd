"""Forms of the back office's billing screens."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.payments.enums import MANUAL_METHODS, PaymentMethod
from refectoire.payments.models import PayfipSettings
from refectoire.schools.models import BillingPeriod, SchoolYear


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class BillingPeriodForm(forms.ModelForm):
    class Meta:
        model = BillingPeriod
        fields = ["school_year", "label", "start_date", "end_date", "payment_opens_at", "due_date"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "due_date": DateInput(),
            "payment_opens_at": DateTimeInput(),
        }
        help_texts = {"label": _("Par exemple : Mars / Avril 2027.")}

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = SchoolYear.objects.for_caisse(caisse)


METHOD_CHOICES = [(method.value, method.label) for method in PaymentMethod if method in MANUAL_METHODS]


class ManualPaymentForm(forms.Form):
    """A payment at the counter; its rules (date, overpayment, duplicate, once) are payment_record's.

    The confirmations stay hidden until the service asks for one (`ask_confirmations`); the
    one-time `form_token` makes a second sending of the same form record nothing.
    """

    method = forms.ChoiceField(label=_("Mode de paiement"), choices=METHOD_CHOICES)
    amount = forms.DecimalField(
        label=_("Montant (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Date du paiement"), widget=DateInput())
    reference = forms.CharField(
        label=_("Référence"),
        max_length=100,
        required=False,
        help_text=_("Numéro de chèque, de CESU, de virement…"),
    )
    confirm_overpayment = forms.BooleanField(
        label=_("Je confirme ce montant : il dépasse ce qui reste à payer et crée un trop-perçu."),
        required=False,
        widget=forms.HiddenInput,
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il s'agit d'un second paiement, distinct de celui déjà enregistré."),
        required=False,
        widget=forms.HiddenInput,
    )
    form_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Ce formulaire a expiré : rechargez la page et saisissez à nouveau.")},
    )

    CONFIRMATIONS = {"overpayment": "confirm_overpayment", "duplicate": "confirm_duplicate"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("form_token", uuid.uuid4())
        for name in self.CONFIRMATIONS.values():
            if self.data.get(name) in {"on", "true", "True", "1"}:
                self.fields[name].widget = forms.CheckboxInput()  # asked before: it stays in view

    def ask_confirmations(self, codes) -> None:
        """Show the checkbox of each confirmation the service asked for."""
        for code in codes:
            if code in self.CONFIRMATIONS:
                self.fields[self.CONFIRMATIONS[code]].widget = forms.CheckboxInput()


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Motif de l'avoir"), widget=forms.Textarea(attrs={"rows": 2})
    )
    line_label = forms.CharField(label=_("Libellé de la ligne"), max_length=200)
    amount = forms.DecimalField(
        label=_("Montant (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )


class RefundForm(forms.Form):
    method = forms.ChoiceField(label=_("Mode de remboursement"), choices=METHOD_CHOICES)
    amount = forms.DecimalField(
        label=_("Montant (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Date"), widget=DateInput())
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)


class InvoiceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Numéro de facture, référence ou nom du foyer, nom ou prénom de l'adulte"),
        max_length=100,
        required=False,
    )


class PayfipSettingsForm(forms.ModelForm):
    wsdl_url = forms.URLField(
        label=_("Adresse du WSDL"),
        required=False,
        assume_scheme="https",
        help_text=_("Laisser vide pour le service de la DGFiP."),
    )

    class Meta:
        model = PayfipSettings
        fields = ["numcli", "mode", "backend", "wsdl_url", "allow_grouped_payment", "is_active"]
