"""Use cases of menus: groups, a week's dishes, copy a week, publish, import a file."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refectoire.core.lifecycle import AGENT, transition
from refectoire.enrollment.enums import Allergen
from refectoire.menus.enums import Course, MenuWeekState, QualityLabel
from refectoire.menus.models import COURSE_ORDER, Dish, MenuGroup, MenuWeek
from refectoire.schools.models import School

IMPORT_COLUMNS = ["date", "menu_group", "course", "dish", "allergens", "labels"]


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def menu_group_save(*, caisse, group=None, name: str, schools) -> MenuGroup:
    """A menu group and its schools; a school belongs to one group of the Caisse at most."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom au groupe.")})
    if group is not None and group.caisse_id != caisse.pk:
        raise ValidationError(_("Ce groupe n'est pas dans la Caisse."))
    schools = list(schools)
    if any(school.caisse_id != caisse.pk for school in schools):
        raise ValidationError({"schools": _("Choisissez des établissements de la Caisse.")})
    others = MenuGroup.objects.for_caisse(caisse).filter(name__iexact=name)
    taken = School.objects.filter(menu_groups__caisse=caisse, pk__in=[s.pk for s in schools])
    if group is not None:
        others = others.exclude(pk=group.pk)
        taken = taken.exclude(menu_groups=group)
    if others.exists():
        raise ValidationError({"name": _("Un groupe porte déjà ce nom.")})
    if taken.exists():
        raise ValidationError(
            {
                "schools": _("Déjà dans un autre groupe : %(names)s.")
                % {"names": ", ".join(school.name for school in taken)}
            }
        )
    group = group or MenuGroup(caisse=caisse)
    group.name = name
    group.save()
    group.schools.set(schools)
    return group


def _codes(values, choices, field: str) -> list[str]:
    codes = list(dict.fromkeys(value for value in values or [] if value))
    unknown = [code for code in codes if code not in choices.values]
    if unknown:
        raise ValidationError({field: _("Code inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}})
    return [code for code in choices.values if code in codes]


@transaction.atomic
def menu_week_ensure(*, group, monday: datetime.date) -> MenuWeek:
    if monday.weekday() != 0:
        raise ValidationError(_("Une semaine de menus commence un lundi."))
    week, _created = MenuWeek.objects.get_or_create(group=group, monday=monday)
    return week


@transaction.atomic
def menu_week_set_dishes(*, week, dishes: list[dict], actor=None) -> MenuWeek:
    """Replace the dishes of `week` by `dishes` (dicts: day, course, name, allergens, labels); every
    row is checked before anything is written."""
    week = MenuWeek.objects.select_for_update().get(pk=week.pk)
    last = week.monday + datetime.timedelta(days=6)
    rows = []
    for index, row in enumerate(dishes):
        name = " ".join((row.get("name") or "").split())
        if not name:
            continue
        day = row["day"]
        if not week.monday <= day <= last:
            raise ValidationError(
                _("Le jour %(day)s n'est pas dans la semaine.") % {"day": f"{day:%d/%m/%Y}"}
            )
        if row.get("course") not in Course.values:
            raise ValidationError({"course": _("Choisissez la composante du plat.")})
        rows.append(
            Dish(
                week=week,
                day=day,
                course=row["course"],
                name=name[:200],
                allergens=_codes(row.get("allergens"), Allergen, "allergens"),
                labels=_codes(row.get("labels"), QualityLabel, "labels"),
                position=COURSE_ORDER[row["course"]] * 1000 + index,
                created_by=actor,
            )
        )
    week.dishes.all().delete()
    Dish.objects.bulk_create(rows)
    week.save(update_fields=["updated_at"])
    return week


@transaction.atomic
def menu_week_copy(*, source, monday: datetime.date, actor=None) -> MenuWeek:
    """Copy the dishes of `source` into the week of `monday` of the same group (a draft; its dishes
    are replaced). A published target cannot be overwritten."""
    target = menu_week_ensure(group=source.group, monday=monday)
    if target.pk == source.pk:
        raise ValidationError({"monday": _("Choisissez une autre semaine que celle copiée.")})
    if target.state == MenuWeekState.PUBLISHED:
        raise ValidationError({"monday": _("Cette semaine est déjà publiée : corrigez-la directement.")})
    shift = monday - source.monday
    return menu_week_set_dishes(
        week=target,
        dishes=[
            {
                "day": dish.day + shift,
                "course": dish.course,
                "name": dish.name,
                "allergens": dish.allergens,
                "labels": dish.labels,
            }
            for dish in source.dishes.all()
        ],
        actor=actor,
    )


@transaction.atomic
def menu_week_publish(*, week, agent) -> MenuWeek:
    week = MenuWeek.objects.select_for_update().get(pk=week.pk)
    if not week.dishes.exists():
        raise ValidationError(_("Cette semaine n'a aucun plat : rien à publier."))
    return transition(week, MenuWeekState.PUBLISHED, actor=agent, by=AGENT, published_at=timezone.now())


def _comparable(rows) -> list[tuple]:
    return sorted(
        (
            row["day"],
            COURSE_ORDER[row["course"]],
            row["name"],
            tuple(sorted(row["allergens"])),
            tuple(sorted(row["labels"])),
        )
        for row in rows
    )


class ImportError_(ValidationError):
    """The errors of a menus file, one message per bad line (« Ligne 4 : … »)."""


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def _read_rows(*, caisse, content: str) -> dict:
    """(group, day) -> dish rows, or ImportError_ listing every bad line."""
    groups = {group.name.casefold(): group for group in MenuGroup.objects.for_caisse(caisse)}
    reader = csv.reader(io.StringIO(content), delimiter=";")
    header = next(reader, None)
    if header is None or [cell.strip().lstrip("\ufeff") for cell in header] != IMPORT_COLUMNS:
        raise ImportError_(
            [
                _("Ligne 1 : les colonnes doivent être exactement %(columns)s.")
                % {"columns": ";".join(IMPORT_COLUMNS)}
            ]
        )
    errors, days = [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(IMPORT_COLUMNS):
            errors.append(
                _("Ligne %(line)d : %(count)d colonnes au lieu de 6.") % {"line": number, "count": len(cells)}
            )
            continue
        date, group_name, course, name, allergens, labels = (cell.strip() for cell in cells)
        problems = []
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            day = None
            problems.append(_("date « %(value)s » illisible (attendu AAAA-MM-JJ)") % {"value": date})
        group = groups.get(group_name.casefold())
        if group is None:
            problems.append(_("groupe de menus « %(value)s » inconnu") % {"value": group_name})
        if course not in Course.values:
            problems.append(_("composante « %(value)s » inconnue") % {"value": course})
        if not name:
            problems.append(_("nom du plat vide"))
        for code in _split(allergens):
            if code not in Allergen.values:
                problems.append(_("allergène « %(value)s » inconnu") % {"value": code})
        for code in _split(labels):
            if code not in QualityLabel.values:
                problems.append(_("label « %(value)s » inconnu") % {"value": code})
        if problems:
            errors.append(
                _("Ligne %(line)d : %(problems)s.") % {"line": number, "problems": ", ".join(problems)}
            )
            continue
        days.setdefault((group, day), []).append(
            {
                "day": day,
                "course": course,
                "name": name,
                "allergens": _split(allergens),
                "labels": _split(labels),
            }
        )
    if errors:
        raise ImportError_(errors)
    return days


@transaction.atomic
def menus_import(*, caisse, content: str, publish: bool = False, actor=None) -> dict[str, int]:
    """Import a menus file (docs/formats-menus.md): all or nothing. Every (group, day) of the file
    gets exactly the file's dishes (the other days of its week are kept), so importing the same file
    again changes nothing. Returns {"weeks": n, "days": n, "dishes": n}."""
    days = _read_rows(caisse=caisse, content=content)
    weeks: dict[tuple, dict] = {}
    for (group, day), rows in days.items():
        weeks.setdefault((group, monday_of(day)), {})[day] = rows
    dishes = 0
    for (group, monday), by_day in sorted(weeks.items(), key=lambda item: (item[0][0].pk, item[0][1])):
        week = menu_week_ensure(group=group, monday=monday)
        kept = [
            {"day": d.day, "course": d.course, "name": d.name, "allergens": d.allergens, "labels": d.labels}
            for d in week.dishes.exclude(day__in=list(by_day))
        ]
        new = [row for day in sorted(by_day) for row in by_day[day]]
        rows = sorted(kept + new, key=lambda row: (row["day"], COURSE_ORDER[row["course"]]))
        current = [
            {"day": d.day, "course": d.course, "name": d.name, "allergens": d.allergens, "labels": d.labels}
            for d in week.dishes.all()
        ]
        if _comparable(current) != _comparable(rows):
            menu_week_set_dishes(week=week, dishes=rows, actor=actor)
        dishes += len(new)
        if publish and week.state != MenuWeekState.PUBLISHED:
            menu_week_publish(week=week, agent=actor)
    return {"weeks": len(weeks), "days": len(days), "dishes": dishes}
