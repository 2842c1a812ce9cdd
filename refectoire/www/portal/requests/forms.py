"""Forms of the parent's requests, conversations and documents."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refectoire.core.display import starts_with_vowel
from refectoire.core.forms import DateInput
from refectoire.core.uploads import PDF_OR_IMAGE
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.documents.forms import CheckedFileField
from refectoire.documents.models import Document
from refectoire.households.enums import GuardianRole
from refectoire.requests import rules
from refectoire.requests.enums import SEPARATION_CUSTODY, SituationChange


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} — {obj.original_name} ({obj.created_at:%d/%m/%Y})"


class HouseholdForm(forms.Form):
    """A form of one household: offers its documents already sent, to reuse them."""

    reuse_label = _("Réutiliser un document déjà envoyé")

    def __init__(self, *args, household, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)
        documents = Document.objects.for_household(household).available()
        if documents.exists() and "attachment" in self.fields:
            self.fields["reused"] = DocumentChoiceField(
                label=self.reuse_label,
                queryset=documents,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                to_field_name="uuid",
                help_text=_("Un justificatif déjà envoyé n'a pas besoin d'être envoyé de nouveau."),
            )

    def reused_documents(self):
        return list(self.cleaned_data.get("reused") or [])


class CorrectionForm(HouseholdForm):
    text = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=_("Quelle erreur faut-il corriger ?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Dans votre inscription ou votre foyer : dites ce qui est faux et ce qui est juste."),
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The guide's FAQ: « Vous avez la possibilité de demander une correction via votre espace
        # famille ou par mail dossier@… » — the address is the Caisse's contact e-mail.
        email = self.household.caisse.contact_email
        if email:
            self.fields["text"].help_text = _(
                "Dans votre inscription ou votre foyer : dites ce qui est faux et ce qui est juste. "
                "Vous avez la possibilité de demander une correction via votre espace famille, avec ce "
                "formulaire, ou par mail : %(email)s"
            ) % {"email": email}

    def data_json(self):
        return {"text": self.cleaned_data["text"]}


CUSTODY_CHOICES = SEPARATION_CUSTODY
SITUATION_CHOICES = [c for c in SituationChange.choices if c[0] != SituationChange.NEW_CHILD]


class SituationForm(HouseholdForm):
    """A change of situation. A new child is added through « Ajouter un membre », not here."""

    change = forms.ChoiceField(label=_("Ce qui change"), choices=SITUATION_CHOICES, widget=forms.RadioSelect)
    effective_date = forms.DateField(
        label=_("À compter du"),
        required=False,
        widget=DateInput,
        help_text=_("Obligatoire pour une séparation ou un changement de ressources."),
    )
    street_number = forms.CharField(label=_("Numéro"), required=False, max_length=20)
    street_name = forms.CharField(label=_("Nom de la voie"), required=False, max_length=200)
    address_complement = forms.CharField(label=_("Complément d'adresse"), required=False, max_length=200)
    postcode = forms.CharField(label=_("Code postal"), required=False, max_length=10)
    city = forms.CharField(label=_("Ville"), required=False, max_length=100)
    mobile_phone = forms.CharField(label=_("Téléphone portable"), required=False, max_length=20)
    home_phone = forms.CharField(label=_("Téléphone domicile"), required=False, max_length=20)
    email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        help_text=_("Devient aussi le courriel de connexion de votre compte, après confirmation."),
    )
    leaving_guardian = forms.ChoiceField(label=_("Qui quitte le foyer ?"), required=False)
    custody_calendar = CheckedFileField(
        label=_("Calendrier de garde"),
        required=False,
        allowed=PDF_OR_IMAGE,
        help_text=_("Le jugement ou la convention qui fixe les semaines de chacun. PDF, 10 Mo au plus."),
    )
    details = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=_("Précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = CheckedFileField(
        label=_("Justificatif"),
        required=False,
        help_text=_("Justificatif de domicile, de ressources, jugement… PDF, JPEG ou PNG, 10 Mo au plus."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        co_guardians = [g for g in self.household.guardians.all() if g.role == GuardianRole.CO_GUARDIAN]
        self.fields["leaving_guardian"].choices = [("", "—")] + [
            (str(g.uuid), g.full_name) for g in co_guardians
        ]
        self.has_co_guardian = bool(co_guardians)
        self.custody_names = []
        for child in self.household.children.all():
            name = f"custody_{child.uuid}"
            self.fields[name] = forms.ChoiceField(
                label=(
                    _("Garde d'%(child)s à compter de cette date")
                    if starts_with_vowel(child.first_name)
                    else _("Garde de %(child)s à compter de cette date")
                )
                % {"child": child.first_name},
                choices=CUSTODY_CHOICES,
                initial="full",
                required=False,
                widget=forms.RadioSelect,
            )
            self.custody_names.append((name, child))

    def groups(self):
        """The fields in fieldsets, one per kind of change."""
        groups = [
            (None, ["change", "effective_date"]),
            (
                _("Nouvelle adresse"),
                ["street_number", "street_name", "address_complement", "postcode", "city"],
            ),
            (_("Nouveau téléphone ou courriel"), ["mobile_phone", "home_phone", "email"]),
            (
                _("Séparation"),
                ["leaving_guardian", *[name for name, _child in self.custody_names], "custody_calendar"],
            ),
            (_("Précisions et justificatif"), ["details", "attachment", "reused"]),
        ]
        return [
            {"legend": legend, "fields": [self[name] for name in names if name in self.fields]}
            for legend, names in groups
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("change"):
            return cleaned
        # The service's rules (requests.rules.situation_errors), shown next to each field.
        data = {
            **cleaned,
            "custody": {str(child.uuid): cleaned.get(name) for name, child in self.custody_names},
        }
        errors = rules.situation_errors(
            data=data,
            has_co_guardian=self.has_co_guardian,
            has_custody_calendar=bool(cleaned.get("custody_calendar")),
            has_proof=bool(cleaned.get("attachment") or cleaned.get("reused")),
        )
        for name, error in errors.items():
            self.add_error(name, error)
        return cleaned

    def data_json(self):
        data = {}
        custody_names = {name for name, _child in self.custody_names}
        for name, value in self.cleaned_data.items():
            if name in {"attachment", "reused", "custody_calendar"} | custody_names or value in ("", None):
                continue
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        if self.cleaned_data.get("change") == SituationChange.SEPARATION:
            data["custody"] = {
                str(child.uuid): self.cleaned_data.get(name) or "full" for name, child in self.custody_names
            }
        else:
            data.pop("leaving_guardian", None)
        return data


class IllnessRefundForm(HouseholdForm):
    child = forms.ModelChoiceField(label=_("Enfant"), queryset=None, to_field_name="uuid", empty_label="—")
    first_day = forms.DateField(label=_("Premier jour d'absence"), widget=DateInput)
    last_day = forms.DateField(label=_("Dernier jour d'absence"), widget=DateInput)
    attachment = CheckedFileField(
        label=_("Certificat médical"),
        required=False,
        allowed=PDF_OR_IMAGE,
        help_text=_(
            "Le certificat médical, sans rature ni surcharge : PDF ou photo (JPEG, PNG), 10 Mo au plus."
        ),
    )
    visa = CheckedFileField(
        label=_("Demande visée par le responsable de l'établissement"), required=False, allowed=PDF_OR_IMAGE
    )
    visa_by_school = forms.BooleanField(
        label=_("Le responsable de l'établissement confirmera son visa auprès de la Caisse"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = self.household.children.all()

    def clean(self):
        cleaned = super().clean()
        for name, error in rules.illness_refund_document_errors(
            has_certificate=bool(cleaned.get("attachment") or cleaned.get("reused")),
            has_visa=bool(cleaned.get("visa")),
            visa_by_school=bool(cleaned.get("visa_by_school")),
        ).items():
            self.add_error(name, error)
        child, first, last = cleaned.get("child"), cleaned.get("first_day"), cleaned.get("last_day")
        if child and first and last:
            for name, error in rules.illness_refund_field_errors(
                child=child, household=self.household, first=first, last=last, sent_on=timezone.localdate()
            ):
                self.add_error(name, error)
        return cleaned

    def children(self):
        return [self.cleaned_data["child"]]

    def data_json(self):
        return {
            "first_day": self.cleaned_data["first_day"].isoformat(),
            "last_day": self.cleaned_data["last_day"].isoformat(),
            "visa_by_school": self.cleaned_data["visa_by_school"],
        }


class RadiationForm(HouseholdForm):
    children_field = forms.ModelMultipleChoiceField(
        label=_("Enfants concernés"), queryset=None, widget=forms.CheckboxSelectMultiple, to_field_name="uuid"
    )
    last_day = forms.DateField(label=_("Dernier jour à la cantine"), widget=DateInput)
    new_city = forms.CharField(label=_("Nouvelle commune"), required=False, max_length=100)
    attachment = CheckedFileField(label=_("Certificat de radiation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children_field"].queryset = self.household.children.all()

    def clean(self):
        cleaned = super().clean()
        for error in rules.radiation_document_errors(
            has_certificate=bool(cleaned.get("attachment") or cleaned.get("reused"))
        ):
            self.add_error("attachment", error)
        if cleaned.get("children_field") and cleaned.get("last_day"):
            for error in rules.radiation_errors(
                children=cleaned["children_field"], last_day=cleaned["last_day"]
            ):
                self.add_error("last_day", error)
        return cleaned

    def children(self):
        return list(self.cleaned_data["children_field"])

    def data_json(self):
        return {
            "last_day": self.cleaned_data["last_day"].isoformat(),
            "new_city": self.cleaned_data["new_city"],
        }


class CompleteForm(HouseholdForm):
    message = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=_("Votre réponse à la Caisse"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)


class ConversationForm(HouseholdForm):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Message"), widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)


class ReplyForm(HouseholdForm):
    body = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Votre message"), widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)
