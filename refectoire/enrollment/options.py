"""Use cases of meal options: the Caisse's offer (« Repas sans viande ») and the parent's choice per
enrollment, in force from the next Monday.

Options are about food only. A Caisse may not record a religion or a belief through them (CNIL,
school catering: a family's conviction is sensitive data the canteen has no need for), so the label
of an option is refused when it names one (`validate_meal_option_label`); docs/menus.md says why.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from refectoire.enrollment.enums import EnrollmentState
from refectoire.enrollment.models import Enrollment, MealOption, MealOptionChoice

# Words that name a religion, a belief or a religious rule: never in an option's label.
BELIEF_WORDS = (
    "halal",
    "casher",
    "kasher",
    "cacher",
    "kosher",
    "religi",
    "confession",
    "culte",
    "croyance",
    "musulman",
    "islam",
    "juif",
    "juive",
    "judai",
    "chretien",
    "catholique",
    "protestant",
    "orthodoxe",
    "hindou",
    "bouddhist",
    "ramadan",
    "careme",
    "vendredi saint",
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def validate_meal_option_label(label: str) -> None:
    plain = _plain(label)
    for word in BELIEF_WORDS:
        if re.search(rf"\b{re.escape(word)}", plain):
            raise ValidationError(
                {
                    "label": _(
                        "Une option de repas décrit ce que l'enfant mange (« repas sans viande »), jamais "
                        "une religion ou une conviction : la Caisse n'a pas à connaître ces informations."
                    )
                }
            )


@transaction.atomic
def meal_option_save(
    *, caisse, option=None, label: str, position: int = 0, is_active: bool = True
) -> MealOption:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("Donnez un intitulé à l'option.")})
    validate_meal_option_label(label)
    if option is not None and option.caisse_id != caisse.pk:
        raise ValidationError(_("Cette option n'est pas dans la Caisse."))
    taken = MealOption.objects.for_caisse(caisse).filter(label__iexact=label)
    if option is not None:
        taken = taken.exclude(pk=option.pk)
    if taken.exists():
        raise ValidationError({"label": _("La Caisse propose déjà cette option.")})
    option = option or MealOption(caisse=caisse)
    option.label, option.position, option.is_active = label, position, is_active
    option.full_clean()
    option.save()
    return option


def next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=7 - today.weekday())


def option_in_force(enrollment, day: datetime.date) -> MealOption | None:
    choice = (
        MealOptionChoice.objects.filter(enrollment=enrollment, starts_on__lte=day)
        .select_related("option")
        .order_by("-starts_on")
        .first()
    )
    return choice.option if choice else None


@transaction.atomic
def meal_option_choose(*, enrollment, option, actor, today: datetime.date, from_enrollment_start=False):
    """The parent's (or agent's) option for `enrollment` (None: the standard meal), in force from the
    next Monday (from the enrollment's first day when chosen with the enrollment, before it starts)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state != EnrollmentState.ACTIVE:
        raise ValidationError(_("Cette inscription est annulée."))
    if option is not None and (option.caisse_id != enrollment.caisse_id or not option.is_active):
        raise ValidationError({"option": _("Cette option n'est pas proposée par la Caisse.")})
    starts_on = next_monday(today)
    if from_enrollment_start or enrollment.start_date >= starts_on:
        starts_on = max(enrollment.start_date, today)
    if starts_on > enrollment.end_date:
        raise ValidationError(_("L'inscription se termine avant la semaine prochaine."))
    # A later choice not yet in force is replaced.
    MealOptionChoice.objects.filter(enrollment=enrollment, starts_on__gte=starts_on).delete()
    return MealOptionChoice.objects.create(
        enrollment=enrollment, option=option, starts_on=starts_on, chosen_by=actor
    )
