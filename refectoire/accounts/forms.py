import datetime

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from allauth.core import context, ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refectoire.accounts.enums import Civility
from refectoire.accounts.validators import validate_postcode
from refectoire.core.forms import DateInput
from refectoire.core.models import ADDRESS_FIELDS
from refectoire.core.validators import normalize_phone


def clean_birth_date(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return value
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
    if value.year < 1900:
        raise ValidationError(_("Vérifiez l'année de la date de naissance."))
    return value


class IdentityFieldsMixin(forms.Form):
    """Identity, address and contact: the fields of the guide's "Créer mon espace personnel"."""

    civility = forms.ChoiceField(label=_("Civilité"), choices=[("", "—"), *Civility.choices])
    last_name = forms.CharField(label=_("Nom d'usage"), max_length=150)
    birth_name = forms.CharField(
        label=_("Nom de famille"), max_length=150, required=False, help_text=_("Si différent du nom d'usage.")
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date de naissance"), widget=DateInput, help_text=_("Format : jj/mm/aaaa")
    )
    street_number = forms.CharField(label=_("Numéro"), max_length=20, required=False)
    street_name = forms.CharField(label=_("Nom de la voie"), max_length=200)
    building = forms.CharField(label=_("Bâtiment"), max_length=100, required=False)
    apartment = forms.CharField(label=_("Appartement"), max_length=100, required=False)
    address_complement = forms.CharField(label=_("Complément"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Ville"), max_length=100)
    country = forms.CharField(label=_("Pays"), max_length=100, initial="France")
    mobile_phone = forms.CharField(
        label=_("Téléphone portable"),
        help_text=_("Pour faciliter vos échanges avec la Caisse des écoles."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    identity_fields = ["civility", "last_name", "birth_name", "first_name", "birth_date"]
    address_fields = list(ADDRESS_FIELDS)

    def clean_birth_date(self):
        return clean_birth_date(self.cleaned_data.get("birth_date"))

    def clean_mobile_phone(self):
        return normalize_phone(self.cleaned_data.get("mobile_phone", ""))

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean(self):
        cleaned = super().clean()
        country = (cleaned.get("country") or "").strip().lower()
        postcode = cleaned.get("postcode")
        if postcode and country in {"france", "fr"}:
            try:
                validate_postcode(postcode)
            except ValidationError as error:
                self.add_error("postcode", error)
        return cleaned


class SignupForm(IdentityFieldsMixin, allauth_forms.SignupForm):
    field_order = [
        *IdentityFieldsMixin.identity_fields,
        *IdentityFieldsMixin.address_fields,
        "email",
        "mobile_phone",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Courriel")
        self.fields["email"].help_text = _(
            "Indispensable pour vos prochaines connexions et le suivi de vos démarches."
        )
        self.fields["email"].widget.attrs.pop("placeholder", None)
        _password_fields(self)
        self.order_fields(self.field_order)

    def clean_email(self):
        # One account per e-mail: allauth says so in French; we keep its check.
        return super().clean_email()


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Identifiant ou courriel")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Se souvenir de moi")


class CguAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'accepte les Conditions Générales d'Utilisation"),
        error_messages={
            "required": _("Vous devez accepter les conditions générales d'utilisation pour continuer.")
        },
    )


def _password_fields(form, first="password1", second="password2"):
    """Labels of the guide and the live checklist on a new password and its confirmation."""
    form.fields[first].label = _("Mot de passe")
    form.fields[first].help_text = ""
    form.fields[first].widget.attrs.update(
        {"data-password-checklist": "password-rules", "autocomplete": "new-password"}
    )
    form.fields[second].label = _("Confirmation du mot de passe")
    form.fields[second].widget.attrs.update({"autocomplete": "new-password"})
    for name in [first, second]:
        form.fields[name].widget.attrs.pop("placeholder", None)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """ "J'ai oublié mon mot de passe": past 5 requests for one address in 15 minutes, refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Courriel")
        self.fields["email"].widget.attrs.pop("placeholder", None)

    def clean_email(self):
        email = self.cleaned_data["email"]
        request = context.request
        if not ratelimit.consume(request, action="reset_password", key=email.lower(), dry_run=True):
            raise ValidationError(
                _(
                    "Trop de demandes de nouveau mot de passe pour ce courriel. Utilisez le lien du dernier "
                    "courriel reçu, ou réessayez dans 15 minutes."
                ),
                code="too_many_password_resets",
            )
        return super().clean_email()


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_fields(self)

    def save(self):
        super().save()
        # The link was sent to the account's address: following it proves the address, so a space
        # never activated is activated too ("J'ai oublié mon mot de passe" says so).
        EmailAddress.objects.filter(user=self.user, email__iexact=self.user.email).update(verified=True)
