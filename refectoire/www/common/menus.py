"""The menus both audiences read: this week's and next week's published menus of a school, with,
for a child's PAI, the allergens each dish contains marked (portal « Menus », public menus)."""

import datetime

from refectoire.enrollment.enums import allergen_names
from refectoire.menus.selectors import group_of_school, marked_allergens, monday_of, published_week, week_days


def shown_weeks(caisse, school, today: datetime.date, *, pais=()) -> list[dict]:
    """This week and the next of `school`'s menus as families see them (published only). With the
    child's validated PAI, each dish lists the PAI's allergens it contains on the days they cover."""
    group = group_of_school(caisse, school)
    weeks = []
    for monday in (monday_of(today), monday_of(today) + datetime.timedelta(days=7)):
        week = published_week(caisse, group, monday) if group is not None else None
        days = []
        for menu_day in week_days(week) if week is not None else []:
            codes = [
                code for pai in pais if pai.starts_on <= menu_day.day <= pai.ends_on for code in pai.allergens
            ]
            dishes = []
            for dish in menu_day.dishes:
                marks = marked_allergens(dish.allergens, codes)
                dishes.append({"dish": dish, "marks": allergen_names(marks)})
            days.append({"day": menu_day.day, "dishes": dishes, "is_vegetarian": menu_day.is_vegetarian})
        weeks.append({"monday": monday, "week": week, "days": days, "group": group})
    return weeks
