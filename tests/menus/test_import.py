"""`manage.py import_menus --caisse X FILE.csv`: good file, bad codes, bad date, all or nothing,
re-import idempotent."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from refectoire.menus.enums import MenuWeekState
from refectoire.menus.models import Dish, MenuWeek
from refectoire.menus.services import menu_group_save

D = datetime.date
HEADER = "date;menu_group;course;dish;allergens;labels\n"
GOOD = HEADER + (
    "2026-09-14;Cuisine centrale;entree;Carottes râpées;;bio|local\n"
    "2026-09-14;Cuisine centrale;plat;Poulet rôti;;label_rouge\n"
    "2026-09-14;Cuisine centrale;dessert;Tarte aux noix;gluten|oeufs|lait|fruits_a_coque;fait_maison\n"
    "2026-09-15;Cuisine centrale;plat;Omelette;oeufs;vegetarien|bio\n"
    "2026-09-15;Cuisine centrale;dessert;Yaourt;lait;\n"
)


def write(tmp_path, content, name="menus.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def snapshot(caisse):
    return sorted(
        (d.day, d.course, d.name, tuple(d.allergens), tuple(d.labels))
        for d in Dish.objects.filter(week__group__caisse=caisse)
    )


def test_a_good_file_makes_draft_weeks_with_dishes_allergens_and_labels(cde11, group_11, tmp_path, capsys):
    call_command("import_menus", "--caisse", "cde11", write(tmp_path, GOOD))

    week = MenuWeek.objects.get(group=group_11, monday=D(2026, 9, 14))
    assert week.state == MenuWeekState.DRAFT
    dessert = week.dishes.get(name="Tarte aux noix")
    assert dessert.allergens == ["gluten", "oeufs", "lait", "fruits_a_coque"]
    assert dessert.allergen_names == "Gluten, Œufs, Lait, Fruits à coque"
    assert [d.name for d in week.dishes.filter(day=D(2026, 9, 14))] == [
        "Carottes râpées",
        "Poulet rôti",
        "Tarte aux noix",
    ]
    assert "5 plats importés" in capsys.readouterr().out


def test_importing_the_same_file_again_changes_nothing(cde11, group_11, tmp_path):
    path = write(tmp_path, GOOD)
    call_command("import_menus", "--caisse", "cde11", path)
    first = snapshot(cde11)
    ids = sorted(Dish.objects.values_list("pk", flat=True))
    call_command("import_menus", "--caisse", "cde11", path)
    assert snapshot(cde11) == first
    assert sorted(Dish.objects.values_list("pk", flat=True)) == ids


def test_a_day_imported_again_replaces_only_that_day(cde11, group_11, tmp_path):
    call_command("import_menus", "--caisse", "cde11", write(tmp_path, GOOD))
    call_command(
        "import_menus",
        "--caisse",
        "cde11",
        write(tmp_path, HEADER + "2026-09-15;Cuisine centrale;plat;Lasagnes;gluten|lait;\n", "b.csv"),
    )
    assert [d.name for d in Dish.objects.filter(day=D(2026, 9, 15))] == ["Lasagnes"]
    assert Dish.objects.filter(day=D(2026, 9, 14)).count() == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "2026-09-16;Cuisine centrale;plat;Crevettes;crevettes;\n",
            "Ligne 3 : allergène « crevettes » inconnu.",
        ),
        ("16/09/2026;Cuisine centrale;plat;Poisson;poissons;\n", "Ligne 3 : date « 16/09/2026 » illisible"),
        ("2026-09-16;Cuisine centrale;plat;Poisson;poissons;msc\n", "Ligne 3 : label « msc » inconnu."),
        (
            "2026-09-16;Cuisine nord;plat;Poisson;poissons;\n",
            "Ligne 3 : groupe de menus « Cuisine nord » inconnu.",
        ),
        (
            "2026-09-16;Cuisine centrale;viande;Poisson;poissons;\n",
            "Ligne 3 : composante « viande » inconnue.",
        ),
    ],
)
def test_a_bad_line_imports_nothing_and_names_its_line(cde11, group_11, tmp_path, capsys, line, message):
    content = HEADER + "2026-09-16;Cuisine centrale;entree;Radis;;\n" + line
    with pytest.raises(CommandError):
        call_command("import_menus", "--caisse", "cde11", write(tmp_path, content))
    assert message in capsys.readouterr().err
    assert not Dish.objects.exists()
    assert not MenuWeek.objects.exists()


def test_wrong_columns_are_refused(cde11, group_11, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_menus", "--caisse", "cde11", write(tmp_path, "jour;groupe;plat\n2026-09-14;x;y\n")
        )
    assert (
        "Ligne 1 : les colonnes doivent être exactement date;menu_group;course;dish;allergens;labels"
        in capsys.readouterr().err
    )


def test_groups_of_another_caisse_are_unknown(cde11, cde19, group_11, tmp_path, capsys):
    menu_group_save(caisse=cde19, name="Cuisine 19", schools=[])
    with pytest.raises(CommandError):
        call_command(
            "import_menus",
            "--caisse",
            "cde11",
            write(tmp_path, HEADER + "2026-09-14;Cuisine 19;plat;Riz;;\n"),
        )
    assert "groupe de menus « Cuisine 19 » inconnu" in capsys.readouterr().err


def test_publish_option_publishes_the_imported_weeks(cde11, group_11, tmp_path):
    call_command("import_menus", "--caisse", "cde11", "--publish", write(tmp_path, GOOD))
    assert MenuWeek.objects.get().state == MenuWeekState.PUBLISHED
