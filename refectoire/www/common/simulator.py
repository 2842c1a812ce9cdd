"""« Simulation des tarifs », shared by the public page (no account) and the parent's portal.

The household's composition and resources in; the family quotient, the bracket and the price
per meal out, with the whole grid and the household's line highlighted. The computation is the
one of the tariff requests and of the agents (`pricing.services.tariff_request_estimate`).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import EurosField
from refectoire.pricing.enums import IncomeSource
from refectoire.pricing.quotient import Declaration
from refectoire.pricing.selectors import current_grids, tariff_years_open
from refectoire.pricing.services import tariff_request_estimate

SITUATIONS = [("couple", _("En couple")), ("single", _("Parent isolé"))]


class DeclarationForm(forms.Form):
    """The figures of the family quotient, shared by the simulator and the tariff request."""

    SOURCES = [
        (IncomeSource.CAF_ATTESTATION, IncomeSource.CAF_ATTESTATION.label),
        (IncomeSource.TAX_NOTICE, IncomeSource.TAX_NOTICE.label),
        (IncomeSource.MONTHLY_RESOURCES, _("Ni l'un ni l'autre : mes ressources mensuelles")),
    ]

    situation = forms.ChoiceField(
        label=_("Situation familiale"), choices=SITUATIONS, widget=forms.RadioSelect
    )
    children_count = forms.IntegerField(
        label=_("Nombre d'enfants à charge"), min_value=0, max_value=20, initial=1
    )
    disabled_children_count = forms.IntegerField(
        label=_("Dont enfants en situation de handicap"), min_value=0, max_value=20, initial=0
    )
    income_source = forms.ChoiceField(label=_("Vos ressources"), choices=SOURCES, widget=forms.RadioSelect)
    declared_qf = EurosField(
        label=_("Quotient familial indiqué sur l'attestation (€)"),
        help_text=_("Attestation CAF ou MSA de moins de 3 mois."),
    )
    reference_tax_income = EurosField(
        label=_("Revenu fiscal de référence (€ par an)"),
        help_text=_("Des deux parents, sur l'avis d'imposition ou de non-imposition."),
    )
    fiscal_parts = EurosField(
        label=_("Nombre de parts fiscales"),
        max_digits=4,
        min_value=Decimal("0.5"),
        help_text=_("Par exemple 2,5."),
    )
    monthly_resources = EurosField(
        label=_("Ressources mensuelles nettes imposables du foyer (€)"),
        help_text=_("Salaires, pensions, indemnités…"),
    )
    monthly_benefits = EurosField(
        label=_("Prestations familiales mensuelles (€)"),
        help_text=_("Allocations familiales, etc. 0 si aucune."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if (data.get("disabled_children_count") or 0) > (data.get("children_count") or 0):
            self.add_error(
                "disabled_children_count", _("Il ne peut y avoir plus d'enfants handicapés que d'enfants.")
            )
            return data
        source = data.get("income_source")
        required = {
            IncomeSource.CAF_ATTESTATION: {
                "declared_qf": _("Indiquez le quotient familial de l'attestation.")
            },
            IncomeSource.TAX_NOTICE: {
                "reference_tax_income": _("Indiquez le revenu fiscal de référence."),
                "fiscal_parts": _("Indiquez le nombre de parts fiscales."),
            },
            IncomeSource.MONTHLY_RESOURCES: {
                "monthly_resources": _("Indiquez les ressources mensuelles du foyer.")
            },
        }.get(source, {})
        for name, message in required.items():
            if data.get(name) is None:
                self.add_error(name, message)
        return data

    def declaration(self) -> Declaration:
        data = self.cleaned_data
        source = data["income_source"]

        def only(name, when):
            return data.get(name) if source == when else None

        return Declaration(
            income_source=source,
            single_parent=data["situation"] == "single",
            children_count=data["children_count"],
            disabled_children_count=data["disabled_children_count"],
            declared_qf=only("declared_qf", IncomeSource.CAF_ATTESTATION),
            reference_tax_income=only("reference_tax_income", IncomeSource.TAX_NOTICE),
            fiscal_parts=only("fiscal_parts", IncomeSource.TAX_NOTICE),
            monthly_resources=only("monthly_resources", IncomeSource.MONTHLY_RESOURCES),
            monthly_benefits=only("monthly_benefits", IncomeSource.MONTHLY_RESOURCES),
        )


class SimulatorForm(DeclarationForm):
    school_year = forms.ChoiceField(label=_("Année scolaire"), required=False)

    field_order = ["school_year"]

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {str(year.uuid): year for year in years}
        self.fields["school_year"].choices = [(str(year.uuid), year.label) for year in years]
        if years:
            self.fields["school_year"].initial = str(years[0].uuid)

    def clean(self):
        data = super().clean()
        if "school_year" in data:
            chosen = data["school_year"] or self.fields["school_year"].initial
            data["school_year"] = self.years.get(chosen)
        return data


def simulate(request, *, template: str, extra_context=None):
    """The simulator page: GET only (nothing is stored), the result under the form."""
    caisse = request.caisse
    years = tariff_years_open(caisse=caisse, today=timezone.localdate())
    bound = "income_source" in request.GET
    form = SimulatorForm(request.GET if bound else None, years=years)
    result = None
    grid = None
    if years:
        year = years[0]
        if bound and form.is_valid():
            year = form.cleaned_data["school_year"] or year
            try:
                result = tariff_request_estimate(
                    caisse=caisse, school_year=year, declaration=form.declaration()
                )
            except ValidationError as error:
                form.add_error(None, error)
        grid = current_grids(caisse=caisse, school_years=[year]).get(year.pk)
    context = {"form": form, "result": result, "grid": grid, "years": years, **(extra_context or {})}
    return render(request, template, context)
