"""Personal data of a household held for menus: its children's PAI (health data) and the meal
options chosen for their enrollments (the common contract of the privacy helper).

The PAI and the option choices live in `enrollment` (the kitchen forecast counts them); this module
sits above it, in `menus`, so that it is one file apart from the enrollment's own."""

from refectoire.enrollment.enums import allergen_names
from refectoire.enrollment.models import MealOptionChoice, Pai

SECTION = "health_and_meals"


def export_household(household) -> dict:
    pais = Pai.objects.filter(household=household).select_related("child").order_by("starts_on", "pk")
    choices = (
        MealOptionChoice.objects.filter(enrollment__household=household)
        .select_related("enrollment__child", "option")
        .order_by("enrollment_id", "starts_on")
    )
    return {
        "pai": [
            {
                "child": pai.child.full_name,
                "kind": pai.get_kind_display(),
                "allergens": allergen_names(pai.allergens),
                "starts_on": pai.starts_on.isoformat(),
                "ends_on": pai.ends_on.isoformat(),
                "state": pai.get_state_display(),
                "reason": pai.reason,
                "declared_at": pai.created_at.isoformat(),
            }
            for pai in pais
        ],
        "meal_options": [
            {
                "child": choice.enrollment.child.full_name,
                "option": choice.option.label if choice.option else "Repas standard",
                "starts_on": choice.starts_on.isoformat(),
            }
            for choice in choices
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    """Erase the health values of the household's PAI (allergens, reason) in the rows and in their
    history; the option choices name no person and stay for the kitchen's past figures."""
    pais = Pai.objects.filter(household=household)
    changed = pais.exclude(allergens=[], reason="").count()
    pais.update(allergens=[], reason="")
    Pai.history.filter(id__in=pais.values("pk")).update(allergens=[], reason="")
    return {"pai": changed}


def files_of_household(household) -> list:
    return [
        (f"pai/{pai.uuid}-{pai.document.download_name}", pai.document.file)
        for pai in Pai.objects.filter(household=household, document__isnull=False).select_related("document")
        if pai.document.deleted_at is None
    ]
