"""Demo: menus published for the current and next weeks (cde11: one menu group for all its schools;
cde19: two groups), the meal options of both Caisses and a choice, Allison Lovinfosse's child with a
validated PAI (arachides, fruits à coque) whose dishes are marked in « Menus », and Inès Moreau's
PAI waiting for an agent. Every step goes through the domain services; a second run changes nothing."""

import datetime

from django.utils import timezone

from refectoire.caisses.models import AgentRole, Caisse
from refectoire.demo.files import blank_pdf
from refectoire.enrollment.enums import EnrollmentState, PaiKind
from refectoire.enrollment.models import Enrollment, MealOption, MealOptionChoice, Pai
from refectoire.enrollment.options import meal_option_choose, meal_option_save
from refectoire.enrollment.pai import pai_declare, pai_validate
from refectoire.households.models import Household
from refectoire.menus.enums import MenuWeekState
from refectoire.menus.models import MenuGroup, MenuWeek
from refectoire.menus.services import (
    menu_group_save,
    menu_week_ensure,
    menu_week_publish,
    menu_week_set_dishes,
)
from refectoire.schools.models import School

OPTIONS = ["Repas sans viande", "Repas sans porc"]
# (caisse, username of the parent, the option chosen for the first enrolled child)
OPTION_CHOICES = [("cde11", "P11-MARCP", "Repas sans viande"), ("cde19", "P19-PATRM", "Repas sans porc")]
# (caisse, username, kind, allergens, validated)
PAIS = [
    ("cde11", "G4V-RNG6P", PaiKind.ADAPTED_MEAL, ["arachides", "fruits_a_coque"], True),
    ("cde19", "P19-INESM", PaiKind.PACKED_MEAL, ["lait"], False),
]

# Two weeks of dishes (course, name, allergens, labels), Monday to Friday.
WEEKS = [
    [
        [
            ("entree", "Carottes râpées vinaigrette", ["moutarde"], ["bio", "local"]),
            ("plat", "Sauté de poulet aux cacahuètes", ["arachides"], ["label_rouge"]),
            ("accompagnement", "Riz pilaf", [], ["bio"]),
            ("dessert", "Compote de pommes", [], ["bio", "fait_maison"]),
        ],
        [
            ("entree", "Salade de lentilles", ["moutarde"], []),
            ("plat", "Omelette aux fines herbes", ["oeufs"], ["vegetarien", "bio"]),
            ("accompagnement", "Haricots verts", [], ["local"]),
            ("produit_laitier", "Yaourt nature", ["lait"], ["bio"]),
        ],
        [
            ("plat", "Filet de colin sauce citron", ["poissons", "lait"], ["peche_durable"]),
            ("accompagnement", "Purée de pommes de terre", ["lait"], ["fait_maison"]),
            ("dessert", "Brownie aux noix", ["gluten", "oeufs", "lait", "fruits_a_coque"], ["fait_maison"]),
        ],
        [
            ("entree", "Concombre à la crème", ["lait"], []),
            ("plat", "Bœuf bourguignon", ["celeri", "sulfites"], ["label_rouge"]),
            ("accompagnement", "Pâtes", ["gluten"], []),
            ("dessert", "Clémentines", [], ["bio"]),
        ],
        [
            ("plat", "Couscous de légumes et pois chiches", ["gluten", "celeri"], ["vegetarien"]),
            ("produit_laitier", "Comté", ["lait"], ["aop_igp"]),
            ("dessert", "Salade de fruits", [], []),
        ],
    ],
    [
        [
            ("entree", "Betteraves", [], ["bio"]),
            ("plat", "Hachis parmentier", ["lait", "celeri"], ["fait_maison"]),
            ("dessert", "Crème dessert chocolat", ["lait"], []),
        ],
        [
            ("plat", "Curry de légumes au lait de coco", ["arachides"], ["vegetarien"]),
            ("accompagnement", "Semoule", ["gluten"], []),
            ("produit_laitier", "Fromage blanc", ["lait"], ["bio"]),
        ],
        [
            ("entree", "Œuf dur mayonnaise", ["oeufs", "moutarde"], []),
            ("plat", "Rôti de dinde", [], ["label_rouge"]),
            ("accompagnement", "Petits pois", [], ["local"]),
            ("dessert", "Pomme", [], ["bio", "local"]),
        ],
        [
            ("plat", "Poisson pané", ["poissons", "gluten"], ["peche_durable"]),
            ("accompagnement", "Épinards à la crème", ["lait"], []),
            (
                "dessert",
                "Financier aux amandes",
                ["fruits_a_coque", "oeufs", "gluten", "lait"],
                ["fait_maison"],
            ),
        ],
        [
            ("entree", "Salade verte", ["moutarde"], ["bio"]),
            ("plat", "Lasagnes à la bolognaise", ["gluten", "lait", "celeri"], []),
            ("dessert", "Poire", [], []),
        ],
    ],
]


def _agent(caisse):
    role = AgentRole.objects.filter(caisse=caisse).select_related("user").order_by("pk").first()
    return role.user if role else None


def _groups(caisse) -> list[MenuGroup]:
    existing = list(MenuGroup.objects.for_caisse(caisse).order_by("pk"))
    if existing:
        return existing
    schools = list(School.objects.for_caisse(caisse).order_by("code", "pk"))
    if caisse.slug == "cde11":
        return [menu_group_save(caisse=caisse, name="Cuisine centrale du 11e", schools=schools)]
    half = (len(schools) + 1) // 2
    return [
        menu_group_save(caisse=caisse, name="Cuisine Rébeval", schools=schools[:half]),
        menu_group_save(caisse=caisse, name="Cuisine Flandre", schools=schools[half:]),
    ]


def _menus(caisse, agent, today) -> int:
    monday = today - datetime.timedelta(days=today.weekday())
    published = 0
    for group in _groups(caisse):
        for offset, days in enumerate(WEEKS):
            start = monday + datetime.timedelta(days=7 * offset)
            week = MenuWeek.objects.filter(group=group, monday=start).first()
            if week is not None and week.dishes.exists():
                continue
            week = menu_week_ensure(group=group, monday=start)
            menu_week_set_dishes(
                week=week,
                dishes=[
                    {
                        "day": start + datetime.timedelta(days=index),
                        "course": c,
                        "name": n,
                        "allergens": a,
                        "labels": lab,
                    }
                    for index, dishes in enumerate(days)
                    for c, n, a, lab in dishes
                ],
            )
            if week.state != MenuWeekState.PUBLISHED:
                menu_week_publish(week=week, agent=agent)
            published += 1
    return published


def _household(caisse, username):
    return Household.objects.filter(caisse=caisse, guardians__user__username=username).first()


def _first_enrollment(household):
    return (
        Enrollment.objects.for_household(household)
        .filter(state=EnrollmentState.ACTIVE)
        .select_related("child")
        .order_by("child__birth_date", "pk")
        .first()
    )


def seed(*, stdout):
    today = timezone.localdate()
    for slug in ("cde11", "cde19"):
        caisse = Caisse.objects.filter(slug=slug).first()
        if caisse is None:
            continue
        agent = _agent(caisse)
        weeks = _menus(caisse, agent, today)
        for position, label in enumerate(OPTIONS):
            if not MealOption.objects.for_caisse(caisse).filter(label=label).exists():
                meal_option_save(caisse=caisse, label=label, position=position)
        for choice_slug, username, label in OPTION_CHOICES:
            household = _household(caisse, username) if choice_slug == slug else None
            enrollment = _first_enrollment(household) if household else None
            if enrollment is None or MealOptionChoice.objects.filter(enrollment=enrollment).exists():
                continue
            meal_option_choose(
                enrollment=enrollment,
                option=MealOption.objects.for_caisse(caisse).get(label=label),
                actor=None,
                today=today,
                from_enrollment_start=True,
            )
        for pai_slug, username, kind, allergens, validated in PAIS:
            household = _household(caisse, username) if pai_slug == slug else None
            enrollment = _first_enrollment(household) if household else None
            if enrollment is None or Pai.objects.filter(child=enrollment.child).exists():
                continue
            year = enrollment.school_year
            pai = pai_declare(
                household=household,
                child=enrollment.child,
                kind=kind,
                allergens=allergens,
                starts_on=year.first_day,
                ends_on=year.last_day,
                uploaded_file=blank_pdf("pai.pdf"),
                actor=None,
            )
            if validated:
                pai_validate(pai=pai, agent=agent)
        if weeks:
            stdout.write(f"  /{slug}/  menus : {weeks} semaine(s) publiée(s)")
