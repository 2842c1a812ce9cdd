"""Forms of the conversations with households and of the FAQ (back office)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from refectoire.core.translated import mark_content_languages
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.documents.forms import CheckedFileField
from refectoire.households.models import Household
from refectoire.messaging.models import FaqEntry


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.reference or obj.uuid})"


class AgentConversationForm(forms.Form):
    household = HouseholdChoiceField(label=_("Foyer"), queryset=None, to_field_name="uuid")
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Message"), widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.for_caisse(caisse).prefetch_related("guardians")


class AgentReplyForm(forms.Form):
    body = forms.CharField(
        max_length=FREE_TEXT_MAX, label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = CheckedFileField(label=_("Pièce jointe"), required=False)


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "question_en", "answer_en", "question_ar", "answer_ar", "position"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 6}),
            "answer_en": forms.Textarea(attrs={"rows": 6}),
            "answer_ar": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_content_languages(self)
