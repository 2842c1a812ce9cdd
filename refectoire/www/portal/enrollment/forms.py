from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from refectoire.core.forms import DateInput
from refectoire.core.uploads import PDF_ONLY
from refectoire.core.validators import FREE_TEXT_MAX
from refectoire.documents.forms import CheckedFileField
from refectoire.enrollment.enums import WEEKDAY_NAMES, Custody
from refectoire.enrollment.services import check_weekdays
from refectoire.schools.models import School

SCHOOL_WEEK = [(str(d), WEEKDAY_NAMES[d]) for d in range(1, 6)]
CUSTODY_HELP = _(
    "Vous êtes en garde alternée ? Chaque responsable doit remplir un dossier et fournir son planning de garde. "
    "En l'absence de celui-ci, chacun des responsables sera facturé pour la moitié de la somme due."
)
CALENDAR_HELP = _(
    "Attention, si vous êtes en garde alternée vous devrez impérativement joindre un calendrier mentionnant les "
    "jours de gardes des deux responsables au format PDF. En l'absence de cette pièce votre enfant sera inscrit "
    "par défaut sur des semaines paires/impaires dans le dossier de chacun des responsables. PDF, 10 Mo au plus."
)


class WeekdaysField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", SCHOOL_WEEK)
        kwargs.setdefault("label", _("Indiquez les jours de présence de votre enfant"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Indiquez au moins un jour de présence."),
                "invalid_choice": _(
                    "Choisissez parmi les jours proposés : du lundi au vendredi, les jours où la cantine est servie."
                ),
            },
        )
        super().__init__(**kwargs)


def served_days(school) -> list[tuple[str, str]]:
    """The choices of a weekdays field for `school`: the school days, Monday to Friday, it serves."""
    return [(value, label) for value, label in SCHOOL_WEEK if value in school.weekdays]


class SchoolSelect(forms.Select):
    """Each school carries the days its canteen serves (`data-weekdays="1245"`), for the checkboxes
    of static/js/school-weekdays.js to follow the chosen school. Without JavaScript, the form's
    check says which days a school does not serve."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        school = getattr(value, "instance", None)
        if school is not None:
            option["attrs"]["data-weekdays"] = "".join(d for d in school.weekdays if d in "12345")
        return option


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a ListedModelChoiceField: its list, not a query each time they are read."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for instance in self.field.instances:
            yield self.choice(instance)

    def __len__(self):
        return len(self.field.instances) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.instances)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its queryset once (`instances`, set by the form): the options
    it renders and the check of the submitted one use that list (Django's field queries for each)."""

    iterator = ListedChoiceIterator
    instances: tuple = ()

    def read(self):
        self.instances = tuple(self.queryset)
        return self.instances

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        try:
            if isinstance(value, model):
                value = getattr(value, field.attname)
            key = field.to_python(value)
        except (ValueError, TypeError, ValidationError):
            key = None
        for instance in self.instances:
            if key is not None and getattr(instance, field.attname) == key:
                return instance
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class EnrollmentForm(forms.Form):
    school = ListedModelChoiceField(
        label=_("Le lieu d'inscription de votre enfant"),
        queryset=School.objects.none(),
        widget=SchoolSelect(attrs={"data-school-weekdays": "weekdays"}),
        empty_label=_("Choisissez un établissement"),
        error_messages={"required": _("Choisissez le lieu d'inscription de votre enfant.")},
    )
    weekdays = WeekdaysField()
    shared_custody = forms.TypedChoiceField(
        label=_("Vous êtes en garde alternée ?"),
        help_text=CUSTODY_HELP,
        choices=[("non", _("Non")), ("oui", _("Oui"))],
        widget=forms.RadioSelect,
        initial="non",
        error_messages={"required": _("Indiquez si vous êtes en garde alternée.")},
    )
    custody_calendar = CheckedFileField(
        label=_("Ajouter la pièce jointe — Calendrier de garde alternée"),
        help_text=CALENDAR_HELP,
        allowed=PDF_ONLY,
        required=False,
    )
    weeks = forms.ChoiceField(
        label=_("Sans calendrier : les semaines de votre foyer"),
        help_text=_("Semaines ISO : l'autre responsable a les autres semaines."),
        choices=[(Custody.EVEN.value, _("Semaines paires")), (Custody.ODD.value, _("Semaines impaires"))],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_caisse(caisse).filter(is_active=True)
        partial = [s for s in self.fields["school"].read() if s.weekdays != "12345"]
        if partial:
            self.fields["weekdays"].help_text = " ; ".join(
                _("%(school)s : %(days)s")
                % {
                    "school": s.name,
                    "days": ", ".join(str(WEEKDAY_NAMES[int(d)]).lower() for d in s.weekdays if d in "12345"),
                }
                for s in partial
            )

    def clean(self):
        data = super().clean()
        school, weekdays = data.get("school"), data.get("weekdays")
        if school and weekdays:
            try:
                check_weekdays(school=school, weekdays="".join(sorted(weekdays)))
            except forms.ValidationError as error:
                self.add_error("weekdays", error.message_dict["weekdays"])
        if data.get("shared_custody") == "oui":
            if (
                not data.get("custody_calendar")
                and not data.get("weeks")
                and "custody_calendar" not in self.errors
            ):
                self.add_error(
                    "weeks",
                    _("Sans calendrier de garde, indiquez si votre foyer a les semaines paires ou impaires."),
                )
        return data

    @property
    def custody(self) -> str:
        data = self.cleaned_data
        if data.get("shared_custody") != "oui":
            return Custody.FULL
        if data.get("custody_calendar"):
            return Custody.CALENDAR
        return data["weeks"]


class RhythmChangeForm(forms.Form):
    weekdays = WeekdaysField(label=_("Les nouveaux jours de présence de votre enfant"))
    reason = forms.CharField(
        max_length=FREE_TEXT_MAX,
        label=_("Motif (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the days the child's school serves are offered.
        self.fields["weekdays"].choices = served_days(school)


class CancelForm(forms.Form):
    last_day = forms.DateField(
        label=_("Dernier jour de cantine"),
        widget=DateInput,
        help_text=_("Format : jj/mm/aaaa. Aucun repas n'est prévu après ce jour."),
        error_messages={"required": _("Indiquez le dernier jour de cantine.")},
    )
    reason = forms.CharField(label=_("Motif"), required=False, max_length=300)


class AbsenceForm(forms.Form):
    """ "Signaler une absence": the child (one of the household's current enrollments), the days,
    the reason and an optional comment."""

    enrollment = forms.ModelChoiceField(
        label=_("Enfant"),
        queryset=None,
        empty_label=None,
        to_field_name="uuid",
        error_messages={"required": _("Choisissez l'enfant.")},
    )
    first_day = forms.DateField(
        label=_("Premier jour d'absence"),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez le premier jour d'absence."),
            "invalid": _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 14/09/2026."),
        },
    )
    last_day = forms.DateField(
        label=_("Dernier jour d'absence"),
        help_text=_("Le même jour que le premier pour une absence d'un jour."),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez le dernier jour d'absence."),
            "invalid": _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 14/09/2026."),
        },
    )
    reason = forms.ModelChoiceField(
        label=_("Motif"),
        queryset=None,
        empty_label=None,
        to_field_name="uuid",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le motif de l'absence.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facultatif : une précision pour la Caisse des écoles."),
    )

    def __init__(self, *args, enrollments, reasons, notice_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda e: f"{e.child.first_name} — {e.school.name}"
        self.fields["reason"].queryset = reasons
        self.fields["reason"].label_from_instance = lambda r: r.label
        if notice_help:
            self.fields["first_day"].help_text = notice_help

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error(
                "last_day", _("Le dernier jour d'absence est avant le premier : vérifiez les deux dates.")
            )
        return data
