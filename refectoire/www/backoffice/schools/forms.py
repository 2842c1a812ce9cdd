from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.schools.models import CalendarEntry, Closure, School, SchoolYear


class SchoolForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Jours de restauration"),
        choices=[
            ("1", _("Lundi")),
            ("2", _("Mardi")),
            ("3", _("Mercredi")),
            ("4", _("Jeudi")),
            ("5", _("Vendredi")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Indiquez au moins un jour de restauration.")},
    )

    class Meta:
        model = School
        fields = ["code", "name", "kind", "address", "weekdays", "is_active"]

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.caisse = caisse
        self.instance.caisse = caisse
        if self.instance.pk:
            self.initial["weekdays"] = list(self.instance.weekdays)

    def clean_weekdays(self):
        return "".join(sorted(self.cleaned_data["weekdays"]))

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = School.objects.filter(caisse=self.caisse, code=code).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("Ce code d'établissement existe déjà."))
        return code


class SchoolImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Colonnes school_code;name;kind;address;weekdays, en UTF-8. Un code connu met l'école à jour."
        ),
    )


class SchoolYearForm(forms.ModelForm):
    class Meta:
        model = SchoolYear
        fields = ["label", "first_day", "last_day", "enrollment_opens_on", "enrollment_closes_on"]
        widgets = {
            name: DateInput
            for name in ["first_day", "last_day", "enrollment_opens_on", "enrollment_closes_on"]
        }

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.caisse = caisse
        if self.instance.pk:
            self.fields["label"].disabled = True


class CalendarEntryForm(forms.ModelForm):
    class Meta:
        model = CalendarEntry
        fields = ["kind", "name", "first_day", "last_day"]
        widgets = {"first_day": DateInput, "last_day": DateInput}


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["school", "first_day", "last_day", "reason"]
        widgets = {"first_day": DateInput, "last_day": DateInput}

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse)
        self.fields["school"].empty_label = _("Toutes les écoles de la Caisse")
