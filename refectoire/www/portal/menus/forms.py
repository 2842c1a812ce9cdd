from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.documents.forms import CheckedFileField
from refectoire.enrollment.enums import Allergen, PaiKind


class PaiForm(forms.Form):
    child = forms.ModelChoiceField(
        label=_("Enfant"),
        queryset=None,
        empty_label=_("Choisissez"),
        error_messages={"required": _("Choisissez l'enfant.")},
    )
    kind = forms.ChoiceField(
        label=_("Type de PAI"),
        choices=PaiKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de PAI.")},
    )
    allergens = forms.MultipleChoiceField(
        label=_("Allergènes concernés"),
        choices=Allergen.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les 14 allergènes réglementaires ; les plats qui en contiennent seront signalés dans les menus."
        ),
    )
    starts_on = forms.DateField(
        label=_("Valable du"),
        widget=DateInput,
        error_messages={"required": _("Indiquez le début de validité.")},
    )
    ends_on = forms.DateField(
        label=_("Valable jusqu'au"),
        widget=DateInput,
        help_text=_("Une année scolaire au plus."),
        error_messages={"required": _("Indiquez la fin de validité.")},
    )
    document = CheckedFileField(label=_("PAI signé"), error_messages={"required": _("Joignez le PAI signé.")})

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = lambda child: child.first_name


class MealOptionForm(forms.Form):
    option = forms.ModelChoiceField(
        label=_("Repas"), queryset=None, required=False, empty_label=_("Repas standard")
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = options
