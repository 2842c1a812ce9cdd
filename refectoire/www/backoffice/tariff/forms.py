"""Forms of the agents' and managers' tariff screens."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput, EurosField
from refectoire.core.money import format_euros
from refectoire.pricing.enums import IncomeSource, PackedMealPricing, TariffRequestState
from refectoire.pricing.models import PricingSettings
from refectoire.pricing.selectors import OPEN


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[(OPEN, _("À traiter (envoyées, en cours)")), ("", _("Toutes"))]
        + list(TariffRequestState.choices),
    )
    year = forms.ChoiceField(label=_("Année scolaire"), required=False)
    source = forms.ChoiceField(
        label=_("Justificatif"), required=False, choices=[("", _("Tous"))] + list(IncomeSource.choices)
    )
    q = forms.CharField(label=_("Foyer (nom ou référence)"), required=False, max_length=100)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes"))] + [(str(y.uuid), y.label) for y in years]


class DecideForm(forms.Form):
    bracket_number = forms.TypedChoiceField(label=_("Tarif"), coerce=int)
    family_quotient = EurosField(label=_("Quotient familial retenu (€)"))
    start_date = forms.DateField(
        label=_("À partir du"),
        widget=DateInput(),
        help_text=_(
            "Au plus tôt le premier jour de la période de facturation de la demande (pas de rétroactivité)."
        ),
    )

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bracket_number"].choices = [
            (b.number, f"Tarif {b.number} — {format_euros(b.unit_price)}") for b in grid.ordered_brackets()
        ]


class ComplementForm(forms.Form):
    message = forms.CharField(
        label=_("Ce que le parent doit compléter"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Le tarif le plus élevé s'appliquera. Le motif est envoyé au parent."),
    )


class YearForm(forms.Form):
    year = forms.ChoiceField(label=_("Année scolaire"))

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {str(y.uuid): y for y in years}
        self.fields["year"].choices = [(str(y.uuid), y.label) for y in years]

    def clean_year(self):
        return self.years[self.cleaned_data["year"]]


class AmountOrShareField(EurosField):
    """« 1,00 », « 1,00 € » or « 50 % »: what the grid's panier-repas setting means says which."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "")
        return super().to_python(value)


class GridForm(forms.Form):
    """The prices of a grid and its brackets: one row (from, to, price) per tarif."""

    adult_meal_price = EurosField(label=_("Prix du repas adulte (€)"), required=True)
    exceptional_meal_price = EurosField(label=_("Prix du repas exceptionnel (€)"), required=True)
    packed_meal_pricing = forms.ChoiceField(
        label=_("Prix d'un jour de panier repas (PAI, repas fourni par la famille)"),
        choices=PackedMealPricing.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    packed_meal_value = AmountOrShareField(
        label=_("Montant (€) ou part du prix du repas de la tranche (%)"),
        help_text=_(
            "Par exemple 1,00 pour un montant fixe de 1,00 €, ou 50 pour la moitié du prix du repas."
        ),
    )

    def __init__(self, *args, grid, **kwargs):
        initial = {
            "adult_meal_price": grid.adult_meal_price,
            "exceptional_meal_price": grid.exceptional_meal_price,
            "packed_meal_pricing": grid.packed_meal_pricing,
            "packed_meal_value": grid.packed_meal_value,
        }
        self.numbers = [b.number for b in grid.ordered_brackets()]
        for bracket in grid.ordered_brackets():
            initial[f"qf_min_{bracket.number}"] = bracket.qf_min
            initial[f"qf_max_{bracket.number}"] = bracket.qf_max
            initial[f"price_{bracket.number}"] = bracket.unit_price
        super().__init__(*args, initial=initial, **kwargs)
        for number in self.numbers:
            self.fields[f"qf_min_{number}"] = forms.IntegerField(
                label=_("Tarif %(n)d : quotient familial à partir de (€)") % {"n": number}, min_value=0
            )
            self.fields[f"qf_max_{number}"] = forms.IntegerField(
                label=_("Tarif %(n)d : jusqu'à (€)") % {"n": number}, min_value=0, required=False
            )
            self.fields[f"price_{number}"] = EurosField(
                label=_("Tarif %(n)d : prix du repas (€)") % {"n": number}, required=True
            )

    def clean(self):
        """The panier-repas setting comes whole (a way and its value), or not at all (kept as it is)."""
        data = super().clean()
        if data.get("packed_meal_pricing") and data.get("packed_meal_value") is None:
            if "packed_meal_value" not in self.errors:
                self.add_error("packed_meal_value", _("Indiquez le montant ou la part du prix du repas."))
        return data

    def rows(self):
        return [
            (number, self[f"qf_min_{number}"], self[f"qf_max_{number}"], self[f"price_{number}"])
            for number in self.numbers
        ]

    def brackets(self):
        data = self.cleaned_data
        return [
            (number, data[f"qf_min_{number}"], data.get(f"qf_max_{number}"), data[f"price_{number}"])
            for number in self.numbers
        ]


class PricingSettingsForm(forms.ModelForm):
    api_particulier_token = forms.CharField(
        max_length=2000,
        label=_("Jeton d'API Particulier"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Laissez vide pour garder le jeton actuel. Sans jeton, la récupération du quotient familial est désactivée."
        ),
    )
    remove_token = forms.BooleanField(label=_("Supprimer le jeton"), required=False)
    api_particulier_url = forms.URLField(
        label=_("Adresse d'API Particulier"), assume_scheme="https", max_length=300
    )

    class Meta:
        model = PricingSettings
        fields = [
            "parts_couple",
            "parts_single_parent",
            "parts_child_by_rank",
            "parts_further_child",
            "parts_disabled_child",
            "api_particulier_version",
            "api_particulier_url",
            "api_particulier_recipient",
        ]
        localized_fields = [
            "parts_couple",
            "parts_single_parent",
            "parts_further_child",
            "parts_disabled_child",
        ]

    def clean(self):
        data = super().clean()
        for name in ["parts_couple", "parts_single_parent"]:
            if data.get(name) is not None and data[name] <= Decimal("0"):
                self.add_error(name, _("Le nombre de parts doit être positif."))
        return data
