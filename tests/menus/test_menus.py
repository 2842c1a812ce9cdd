"""Publication, copy of a week, the vegetarian warning, the allergen marks, EGAlim figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from refectoire.enrollment.enums import Allergen
from refectoire.menus.enums import MenuWeekState
from refectoire.menus.selectors import (
    egalim_figures,
    marked_allergens,
    published_week,
    week_days,
    weeks_without_vegetarian,
)
from refectoire.menus.services import (
    menu_group_save,
    menu_week_copy,
    menu_week_ensure,
    menu_week_publish,
    menu_week_set_dishes,
)

D = datetime.date
MONDAY = D(2026, 9, 14)


def dishes(monday, vegetarian=True):
    return [
        {
            "day": monday,
            "course": "plat",
            "name": "Omelette",
            "allergens": ["oeufs"],
            "labels": ["vegetarien"] if vegetarian else [],
        },
        {"day": monday, "course": "entree", "name": "Salade", "allergens": [], "labels": ["bio"]},
        {
            "day": monday + datetime.timedelta(days=1),
            "course": "dessert",
            "name": "Cake",
            "allergens": ["gluten", "arachides"],
            "labels": ["bio", "label_rouge"],
        },
    ]


def test_drafts_are_not_seen_published_weeks_are(cde11, group_11, agent_cde11):
    week = menu_week_set_dishes(week=menu_week_ensure(group=group_11, monday=MONDAY), dishes=dishes(MONDAY))
    assert published_week(cde11, group_11, MONDAY) is None
    menu_week_publish(week=week, agent=agent_cde11)
    shown = published_week(cde11, group_11, MONDAY)
    assert shown == week
    assert [[d.name for d in day.dishes] for day in week_days(shown)] == [["Salade", "Omelette"], ["Cake"]]
    assert week.events.get().to_state == MenuWeekState.PUBLISHED
    with pytest.raises(ValidationError):
        menu_week_publish(week=week, agent=agent_cde11)  # published once, it stays published


def test_another_caisse_never_reads_a_published_week(cde11, cde19, group_11, agent_cde11):
    week = menu_week_set_dishes(week=menu_week_ensure(group=group_11, monday=MONDAY), dishes=dishes(MONDAY))
    menu_week_publish(week=week, agent=agent_cde11)
    assert published_week(cde19, group_11, MONDAY) is None


def test_an_empty_week_cannot_be_published(group_11, agent_cde11):
    with pytest.raises(ValidationError):
        menu_week_publish(week=menu_week_ensure(group=group_11, monday=MONDAY), agent=agent_cde11)


def test_copy_a_week_shifts_its_dishes_and_keeps_the_target_a_draft(group_11, agent_cde11):
    source = menu_week_set_dishes(week=menu_week_ensure(group=group_11, monday=MONDAY), dishes=dishes(MONDAY))
    menu_week_publish(week=source, agent=agent_cde11)
    target = menu_week_copy(source=source, monday=MONDAY + datetime.timedelta(days=7))
    assert target.state == MenuWeekState.DRAFT
    assert sorted((d.day, d.name) for d in target.dishes.all()) == [
        (D(2026, 9, 21), "Omelette"),
        (D(2026, 9, 21), "Salade"),
        (D(2026, 9, 22), "Cake"),
    ]
    menu_week_publish(week=target, agent=agent_cde11)
    with pytest.raises(ValidationError):
        menu_week_copy(source=source, monday=MONDAY + datetime.timedelta(days=7))


def test_a_week_without_a_vegetarian_meal_is_warned(cde11, group_11):
    menu_week_set_dishes(week=menu_week_ensure(group=group_11, monday=MONDAY), dishes=dishes(MONDAY))
    other = MONDAY + datetime.timedelta(days=7)
    menu_week_set_dishes(
        week=menu_week_ensure(group=group_11, monday=other), dishes=dishes(other, vegetarian=False)
    )
    assert [w.monday for w in weeks_without_vegetarian(cde11, [MONDAY, other])] == [other]


def test_a_school_is_in_one_group_at_most(cde11, keller, group_11):
    with pytest.raises(ValidationError) as error:
        menu_group_save(caisse=cde11, name="Autre cuisine", schools=[keller])
    assert "Déjà dans un autre groupe" in str(error.value)


def test_egalim_counts_published_dishes_per_month_and_group(cde11, group_11, agent_cde11):
    week = menu_week_set_dishes(week=menu_week_ensure(group=group_11, monday=MONDAY), dishes=dishes(MONDAY))
    assert egalim_figures(caisse=cde11, year=2026) == []
    menu_week_publish(week=week, agent=agent_cde11)
    (row,) = egalim_figures(caisse=cde11, year=2026)
    assert (row.group, row.month, row.dishes, row.quality, row.organic) == (
        "Cuisine centrale",
        D(2026, 9, 1),
        3,
        2,
        2,
    )
    assert row.quality_share == 67


codes = st.lists(st.sampled_from(Allergen.values), unique=True)


@given(dish=codes, child=codes)
def test_a_dish_is_marked_for_a_child_iff_they_share_an_allergen(dish, child):
    marks = marked_allergens(dish, child)
    assert bool(marks) == bool(set(dish) & set(child))
    assert set(marks) == set(dish) & set(child)
