"""Forms both audiences use: a parent fills them in the portal, an agent in the back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.households.enums import GuardianRole
from refectoire.households.models import Child, Guardian
from refectoire.households.services import ADDRESS_FIELDS, CHILD_FIELDS, GUARDIAN_FIELDS

DATE_WIDGET = DateInput()
# The fields marked * in the guide's "Ajouter à mon entourage".
GUARDIAN_REQUIRED = ("civility", "last_name", "first_name", "street_name", "postcode", "city", "country")


class GuardianForm(forms.ModelForm):
    """A representative ("Représentant"): identity, address, phones, e-mail, "Informations allocataire"."""

    same_address = forms.BooleanField(label=_("Même adresse que le titulaire du compte"), required=False)

    class Meta:
        model = Guardian
        fields = GUARDIAN_FIELDS
        widgets = {"birth_date": DATE_WIDGET, "civility": forms.Select}
        labels = {
            "civility": _("Civilité"),
            "last_name": _("Nom d'usage"),
            "birth_name": _("Nom de famille"),
            "first_name": _("Prénom"),
            "birth_date": _("Date de naissance"),
            "street_number": _("Numéro"),
            "street_name": _("Nom de la voie"),
            "building": _("Bâtiment"),
            "apartment": _("Appartement"),
            "address_complement": _("Complément"),
            "postcode": _("Code postal"),
            "city": _("Ville"),
            "country": _("Pays"),
            "home_phone": _("Téléphone domicile"),
            "mobile_phone": _("Téléphone portable"),
            "email": _("Courriel"),
            "benefits_member": _("Membre allocataire"),
            "benefits_regime": _("Régime allocataire"),
            "benefits_organisation": _("Organisme allocataire"),
            "benefits_number": _("Numéro d'allocataire"),
        }

    def __init__(self, *args, role=GuardianRole.PRIMARY, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        for name in GUARDIAN_REQUIRED:
            self.fields[name].required = True
        self.fields["civility"].choices = [("", "—")] + list(self.fields["civility"].choices)[1:]
        self.fields["benefits_regime"].choices = [("", "—")] + list(self.fields["benefits_regime"].choices)[
            1:
        ]
        if role == GuardianRole.PRIMARY:
            del self.fields["same_address"]

    def full_clean(self):
        # The co-representative who shares the holder's address does not type it again.
        if self.role != GuardianRole.PRIMARY and self.data.get(self.add_prefix("same_address")):
            for name in ADDRESS_FIELDS:
                self.fields[name].required = False
        super().full_clean()

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in GUARDIAN_FIELDS}
        if data["birth_date"] is None:
            data["birth_date"] = None
        return data


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"birth_date": DATE_WIDGET, "sex": forms.RadioSelect}
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "birth_date": _("Date de naissance"),
            "sex": _("Sexe"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CHILD_FIELDS:
            self.fields[name].required = True
        self.fields["sex"].choices = list(self.fields["sex"].choices)[1:]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CHILD_FIELDS}
