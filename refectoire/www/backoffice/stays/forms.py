from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.core.translated import mark_content_languages
from refectoire.documents.forms import CheckedFileField
from refectoire.stays.enums import SchoolLevel
from refectoire.stays.models import HolidayStay
from refectoire.stays.services import IMAGES_ONLY

STAY_FIELDS = [
    "title",
    "description",
    "title_en",
    "description_en",
    "title_ar",
    "description_ar",
    "place",
    "start_date",
    "end_date",
    "age_min",
    "age_max",
    "school_levels",
    "capacity",
    "fixed_price",
    "application_opens_on",
    "application_closes_on",
    "confirmation_days",
    "requires_health_form",
    "requires_vaccination",
    "is_published",
]


class HolidayStayForm(forms.ModelForm):
    school_levels = forms.MultipleChoiceField(
        label=_("Niveaux scolaires"),
        choices=SchoolLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les niveaux."),
    )

    class Meta:
        model = HolidayStay
        fields = STAY_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_ar": forms.Textarea(attrs={"rows": 5}),
            "start_date": DateInput,
            "end_date": DateInput,
            "application_opens_on": DateInput,
            "application_closes_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_content_languages(self)
        prices = {}
        if self.instance.pk:
            prices = {p.bracket_number: p.price for p in self.instance.prices.all()}
        for bracket in range(1, 11):
            self.fields[f"price_{bracket}"] = forms.DecimalField(
                label=_("Prix tarif %(n)d (€)") % {"n": bracket},
                max_digits=10,
                decimal_places=2,
                min_value=0,
                required=False,
                initial=prices.get(bracket),
            )

    def price_fields(self):
        return [self[f"price_{bracket}"] for bracket in range(1, 11)]

    def stay_fields(self):
        return [self[name] for name in STAY_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fixed_price") is None:
            missing = [n for n in range(1, 11) if cleaned.get(f"price_{n}") is None]
            if missing:
                self.add_error(
                    "fixed_price", _("Indiquez un prix fixe, ou un prix pour chacun des dix tarifs.")
                )
        return cleaned

    def prices(self):
        return {n: self.cleaned_data.get(f"price_{n}") for n in range(1, 11)}

    def fields_data(self):
        return {name: self.cleaned_data[name] for name in STAY_FIELDS}


class StayPhotoForm(forms.Form):
    photo = CheckedFileField(
        label=_("Photo"), allowed=IMAGES_ONLY, help_text=_("JPEG ou PNG, 10 Mo au plus.")
    )
    caption = forms.CharField(label=_("Description de la photo"), max_length=200)


class StayAllocationForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Graine du tirage au sort"),
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Notez-la : le même tirage peut être refait avec la même graine."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=500)


class AdultExtraMealForm(forms.Form):
    day = forms.DateField(label=_("Jour"), widget=DateInput, help_text=_("Format : jj/mm/aaaa"))
    count = forms.IntegerField(
        label=_("Nombre de repas hors planning"), min_value=0, max_value=20, help_text=_("0 efface le jour.")
    )
