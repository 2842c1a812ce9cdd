from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.requests.enums import RequestKind, RequestState
from refectoire.requests.selectors import AGE_CHOICES
from refectoire.schools.models import School


def agents_of(caisse):
    return (
        get_user_model()
        .objects.filter(agent_roles__caisse=caisse, agent_roles__is_active=True)
        .order_by("last_name", "first_name")
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous")), *RequestKind.choices])
    state = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("open", _("À traiter (envoyée, en cours, à compléter)")), ("", _("Tous"))]
        + [c for c in RequestState.choices if c[0] != RequestState.DRAFT],
    )
    school = forms.ModelChoiceField(
        label=_("Établissement"), required=False, queryset=None, to_field_name="uuid"
    )
    assignee = forms.ChoiceField(label=_("Agent chargé"), required=False)
    age = forms.ChoiceField(
        label=_("Ancienneté"),
        required=False,
        choices=[("", _("Toutes"))]
        + [(key, _("Envoyée il y a plus de %(n)s jours") % {"n": key}) for key in AGE_CHOICES],
    )

    def __init__(self, *args, caisse, school_filter: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if school_filter:
            self.fields["school"].queryset = School.objects.for_caisse(caisse)
        else:
            del self.fields["school"]
        self.fields["assignee"].choices = [
            ("", _("Tous")),
            ("me", _("Moi")),
            ("none", _("Personne")),
        ] + [(agent.username, agent.display_name) for agent in agents_of(caisse)]


class DecisionForm(forms.Form):
    message = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=_("Message à la famille"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus ou une demande de complément."),
    )


class AssignForm(forms.Form):
    agent = AgentChoiceField(
        label=_("Agent chargé"), queryset=None, required=False, empty_label=_("Personne")
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents_of(caisse)
