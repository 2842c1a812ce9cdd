from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.caisses.accounting import ACCOUNTING_FIELDS
from refectoire.caisses.models import Caisse
from refectoire.core.forms import DateInput
from refectoire.core.translated import mark_content_languages
from refectoire.core.validators import EDITORIAL_TEXT_MAX
from refectoire.messaging.models import NewsItem


class CaisseProfileForm(forms.ModelForm):
    # Checked by its content in caisses.services.caisse_update_profile (core/uploads.py).
    logo = forms.FileField(
        label=_("Logo de la Caisse"),
        required=False,
        help_text=_(
            "PNG ou JPEG, 1 Mo au plus, sur fond clair ; il sert aussi d'icône d'onglet. Sans logo, le nom "
            "ci-dessous s'affiche à sa place."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)

    field_order = ["name", "logo", "remove_logo", "logo_text", "accent_colour"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    # Wider than the 14 digits so that a SIRET typed with spaces is accepted, then cleaned.
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=Caisse._meta.get_field("siret").help_text,
    )

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())

    def clean_pes_cod_bud(self):
        return self.cleaned_data["pes_cod_bud"].upper()

    def clean_pes_id_post(self):
        return self.cleaned_data["pes_id_post"].upper()

    def clean_pes_product_code(self):
        return self.cleaned_data["pes_product_code"].upper()

    def profile_fields(self):
        return [field for field in self if field.name not in ACCOUNTING_FIELDS]

    def accounting_fields(self):
        return [field for field in self if field.name in ACCOUNTING_FIELDS]

    class Meta:
        model = Caisse
        fields = [
            "name",
            "logo_text",
            "accent_colour",
            "contact_email",
            "contact_phone",
            "postal_address",
            "welcome_text",
            *ACCOUNTING_FIELDS,
        ]
        widgets = {
            "logo_text": forms.Textarea(attrs={"rows": 3}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "welcome_text": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "welcome_text": _(
                "Texte brut de la page d'accueil : une ligne vide sépare deux paragraphes ; une adresse web "
                "(https://…), par exemple celle du portail des autres services de la ville, devient un lien ; "
                "[veuillez cliquer ici](https://…) fait un lien sur les mots entre crochets."
            ),
        }


class CguForm(forms.Form):
    cgu_text = forms.CharField(
        max_length=EDITORIAL_TEXT_MAX,
        label=_("Conditions générales d'utilisation"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("Texte brut : une ligne vide sépare deux paragraphes."),
    )


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = [
            "title",
            "body",
            "title_en",
            "body_en",
            "title_ar",
            "body_ar",
            "publish_date",
            "end_date",
            "pinned",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
            "body_ar": forms.Textarea(attrs={"rows": 8}),
            "publish_date": DateInput,
            "end_date": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_content_languages(self)
