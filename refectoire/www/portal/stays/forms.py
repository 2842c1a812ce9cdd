from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.translated import translated
from refectoire.core.uploads import PDF_OR_IMAGE
from refectoire.documents.forms import CheckedFileField
from refectoire.stays.enums import RequiredDocument
from refectoire.stays.models import HolidayStay, StayProfile


class StayProfileForm(forms.ModelForm):
    class Meta:
        model = StayProfile
        fields = [
            "school_level",
            "emergency_contact_1_name",
            "emergency_contact_1_phone",
            "emergency_contact_2_name",
            "emergency_contact_2_phone",
        ]


class StayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, stay):
        return _("%(title)s — %(place)s, du %(start)s au %(end)s") % {
            "title": translated(stay, "title"),
            "place": stay.place,
            "start": stay.start_date.strftime("%d/%m/%Y"),
            "end": stay.end_date.strftime("%d/%m/%Y"),
        }


class StayApplicationForm(forms.Form):
    """Up to 3 ranked choices among the stays the child can go on, and the documents."""

    def __init__(self, *args, stays, **kwargs):
        super().__init__(*args, **kwargs)
        self.stays = stays
        queryset = HolidayStay.objects.filter(pk__in=[stay.pk for stay in stays])
        labels = [_("Premier choix"), _("Deuxième choix"), _("Troisième choix")]
        for rank, label in enumerate(labels, start=1):
            self.fields[f"choice_{rank}"] = StayChoiceField(
                queryset=queryset,
                to_field_name="uuid",
                label=label,
                required=rank == 1,
                empty_label=_("— Aucun —") if rank > 1 else _("— Choisissez un séjour —"),
            )
        for kind in RequiredDocument:
            self.fields[kind.value] = CheckedFileField(
                label=kind.label,
                required=False,
                allowed=PDF_OR_IMAGE,
                help_text=_("PDF, JPEG ou PNG, 10 Mo au plus. Vous pourrez aussi l'envoyer plus tard."),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"choice_{rank}") for rank in (1, 2, 3)]
        if chosen[2] and not chosen[1]:
            self.add_error("choice_3", _("Indiquez d'abord un deuxième choix."))
        picked = [stay for stay in chosen if stay]
        if len({stay.pk for stay in picked}) != len(picked):
            self.add_error("choice_2", _("Un même séjour ne peut pas être choisi deux fois."))
        return cleaned

    def chosen_stays(self):
        return [
            self.cleaned_data[f"choice_{rank}"]
            for rank in (1, 2, 3)
            if self.cleaned_data.get(f"choice_{rank}")
        ]

    def documents(self):
        return {kind.value: self.cleaned_data.get(kind.value) for kind in RequiredDocument}


class StayDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Pièce"), choices=RequiredDocument.choices)
    file = CheckedFileField(label=_("Fichier"), allowed=PDF_OR_IMAGE)
