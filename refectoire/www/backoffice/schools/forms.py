from django import forms
from django.db.models import Q
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


class CanteenStaffForm(forms.Form):
    """A canteen staff account: the person (on creation) and the schools whose attendance list they read."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Courriel"),
        help_text=_(
            "Son adresse professionnelle. Un compte qui existe déjà avec ce courriel reçoit le rôle ; "
            "sinon un compte est créé et la personne choisit son mot de passe avec « J'ai oublié mon "
            "mot de passe » sur la page de connexion."
        ),
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("Établissements"),
        help_text=_("La personne voit le pointage de ces établissements et les PAI de leurs enfants."),
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un établissement.")},
    )
    is_active = forms.BooleanField(label=_("Compte actif"), required=False, initial=True)

    def __init__(self, *args, caisse, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = (
            School.objects.for_caisse(caisse).filter(is_active=True).order_by("name")
        )
        if staff is None:
            del self.fields["is_active"]
        else:
            for name in ("first_name", "last_name", "email"):
                del self.fields[name]
            self.fields["schools"].queryset = (
                School.objects.for_caisse(caisse)
                .filter(Q(is_active=True) | Q(pk__in=staff.schools.all()))
                .order_by("name")
            )
