"""Forms of the parent's tariff screens."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.core.uploads import PDF_OR_IMAGE
from refectoire.documents.forms import CheckedFileField
from refectoire.pricing.enums import IncomeSource
from refectoire.www.common.simulator import DeclarationForm

PROOF_FIELDS = ("proof_1", "proof_2", "proof_3")


class TariffRequestForm(DeclarationForm):
    benefits_number = forms.CharField(
        label=_("Numéro d'allocataire"),
        max_length=30,
        required=False,
        help_text=_("Sur l'attestation CAF ou MSA."),
    )
    proof_1 = CheckedFileField(
        label=_("Justificatif de ressources"),
        allowed=PDF_OR_IMAGE,
        required=False,
        help_text=_(
            "Attestation CAF ou MSA, avis d'imposition ou justificatifs de ressources : PDF, JPEG ou PNG, 10 Mo au plus."
        ),
    )
    proof_2 = CheckedFileField(
        label=_("Autre justificatif (facultatif)"), allowed=PDF_OR_IMAGE, required=False
    )
    proof_3 = CheckedFileField(
        label=_("Autre justificatif (facultatif)"), allowed=PDF_OR_IMAGE, required=False
    )

    def __init__(self, *args, proofs_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.proofs_required = proofs_required
        if proofs_required:
            self.fields["proof_1"].label = _("Justificatif de ressources (obligatoire)")

    def clean(self):
        data = super().clean()
        if data.get("income_source") == IncomeSource.CAF_ATTESTATION and not data.get("benefits_number"):
            self.add_error("benefits_number", _("Indiquez votre numéro d'allocataire."))
        return data

    def proofs(self):
        return [self.cleaned_data[name] for name in PROOF_FIELDS if self.cleaned_data.get(name)]

    def require_proof(self) -> bool:
        """On sending: at least one proof (unless the request already has one). False if missing."""
        if self.proofs_required and not self.proofs() and "proof_1" not in self.errors:
            self.add_error("proof_1", _("Joignez un justificatif de ressources."))
            return False
        return True


class CafConsentForm(forms.Form):
    """ "Récupérer mon quotient familial auprès de la CAF": the holder's identity and consent."""

    consent = forms.BooleanField(
        label=_(
            "J'accepte que la Caisse des écoles interroge la CAF ou la MSA (API Particulier) pour obtenir "
            "mon quotient familial."
        )
    )
    birth_name = forms.CharField(label=_("Nom de naissance"), max_length=150)
    first_names = forms.CharField(
        label=_("Prénoms"), max_length=300, help_text=_("Tous vos prénoms, séparés par des espaces.")
    )
    sex = forms.ChoiceField(
        label=_("Sexe à l'état civil"),
        choices=[("F", _("Féminin")), ("M", _("Masculin"))],
        widget=forms.RadioSelect,
    )
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput())
    birth_country_code = forms.RegexField(
        label=_("Code INSEE du pays de naissance"),
        regex=r"^99\d{3}$",
        initial="99100",
        help_text=_("99100 pour la France."),
        error_messages={"invalid": _("Un code de 5 chiffres commençant par 99, par exemple 99100.")},
    )
    birth_town_code = forms.RegexField(
        label=_("Code INSEE de la commune de naissance"),
        regex=r"^(\d[0-9AB]\d{3})$",
        required=False,
        help_text=_("Si vous êtes né(e) en France, par exemple 75111 pour Paris 11e."),
        error_messages={"invalid": _("Un code INSEE de 5 caractères, par exemple 75111.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("birth_country_code") == "99100" and not data.get("birth_town_code"):
            self.add_error("birth_town_code", _("Indiquez le code INSEE de votre commune de naissance."))
        birth_date = data.get("birth_date")
        if birth_date and birth_date > datetime.date.today():
            self.add_error("birth_date", _("La date de naissance ne peut pas être dans le futur."))
        return data


class CafConfirmForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])
