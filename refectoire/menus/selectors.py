"""Reads of menus: the published week of a group (what families see), the week's days with their
dishes by course, the group of a school, the dishes to mark for a child's allergens, EGAlim figures.

The partners' API reads menus through `published_week` and `week_days` only."""

import datetime
from dataclasses import dataclass, field

from refectoire.menus.enums import EGALIM_LABELS, MenuWeekState, QualityLabel
from refectoire.menus.models import Dish, MenuGroup, MenuWeek

SCHOOL_DAYS = 5  # Monday to Friday; a Saturday or Sunday dish is shown only when there is one


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def published_week(caisse, group, monday: datetime.date) -> MenuWeek | None:
    """The published week of `group` (of `caisse`) starting `monday`, its dishes prefetched; None
    for a draft or no week."""
    return (
        MenuWeek.objects.for_caisse(caisse)
        .published()
        .filter(group=group, monday=monday)
        .prefetch_related("dishes")
        .first()
    )


def published_weeks_of_school(*, caisse, school, start: datetime.date, end: datetime.date):
    """The published weeks of the school's group between `start` and `end` (Mondays), dishes prefetched."""
    return (
        MenuWeek.objects.for_caisse(caisse)
        .published()
        .filter(group__schools=school, monday__gte=monday_of(start), monday__lte=end)
        .select_related("group")
        .prefetch_related("dishes")
        .order_by("monday")
    )


def group_of_school(caisse, school) -> MenuGroup | None:
    return MenuGroup.objects.for_caisse(caisse).filter(schools=school).first()


@dataclass
class MenuDay:
    day: datetime.date
    dishes: list[Dish] = field(default_factory=list)

    @property
    def is_vegetarian(self) -> bool:
        return any(dish.is_vegetarian for dish in self.dishes)


def week_days(week: MenuWeek) -> list[MenuDay]:
    """The days of `week` that have dishes, in order, each with its dishes in course order."""
    by_day: dict[datetime.date, MenuDay] = {}
    for dish in sorted(week.dishes.all(), key=lambda d: (d.day, d.position, d.pk)):
        by_day.setdefault(dish.day, MenuDay(dish.day)).dishes.append(dish)
    return [by_day[day] for day in sorted(by_day)]


def has_vegetarian_meal(week: MenuWeek) -> bool:
    return any(QualityLabel.VEGETARIAN in dish.labels for dish in week.dishes.all())


def marked_allergens(dish_allergens, child_allergens) -> list[str]:
    """The allergens a dish shares with a child's PAI (empty: the dish is not marked)."""
    child = set(child_allergens)
    return [code for code in dish_allergens if code in child]


def weeks_without_vegetarian(caisse, mondays) -> list[MenuWeek]:
    """The weeks (drafts included) of the Caisse among `mondays` with dishes but no vegetarian meal."""
    weeks = MenuWeek.objects.for_caisse(caisse).filter(monday__in=list(mondays)).prefetch_related("dishes")
    return [week for week in weeks if week.dishes.all() and not has_vegetarian_meal(week)]


@dataclass(frozen=True)
class EgalimFigures:
    group: str
    month: datetime.date  # first day
    dishes: int
    quality: int  # dishes with an EGAlim label (bio, label rouge, AOP/IGP, pêche durable)
    organic: int

    @property
    def quality_share(self):
        return round(100 * self.quality / self.dishes) if self.dishes else 0

    @property
    def organic_share(self):
        return round(100 * self.organic / self.dishes) if self.dishes else 0


def egalim_figures(*, caisse, year: int) -> list[EgalimFigures]:
    """Per month of `year` and per menu group: published dishes, with an EGAlim label, organic."""
    counts: dict[tuple[str, datetime.date], list[int]] = {}
    dishes = Dish.objects.filter(
        week__group__caisse=caisse, week__state=MenuWeekState.PUBLISHED, day__year=year
    ).values_list("week__group__name", "day", "labels")
    for group, day, labels in dishes:
        row = counts.setdefault((group, day.replace(day=1)), [0, 0, 0])
        row[0] += 1
        row[1] += any(code in EGALIM_LABELS for code in labels)
        row[2] += QualityLabel.ORGANIC in labels
    return [
        EgalimFigures(group=group, month=month, dishes=a, quality=b, organic=c)
        for (group, month), (a, b, c) in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
