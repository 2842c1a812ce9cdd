"""Import of the families a Caisse already knows (from its former software): see docs/formats.md.

All or nothing: the whole file is read and checked first; a single bad row rejects it and the
report names every bad row by line number and column. Nothing is written on a dry run. Households
and children already imported (same household_ref, same child_ref) are left as they are, so
importing the same file again changes nothing.

Other apps add optional columns through `register_column_group` (a group of columns present
together or absent together, each with its own check) and act on them through `register_hook`
(called once, inside the import's transaction, with the rows of the children created).
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from refectoire.households.enums import GuardianRole, HouseholdAction, HouseholdState
from refectoire.households.models import Child, Guardian, Household, HouseholdEvent
from refectoire.households.services import new_service_key

COLUMNS = [
    "household_ref",
    "guardian_civility",
    "guardian_last_name",
    "guardian_first_name",
    "guardian_birth_date",
    "guardian_email",
    "guardian_mobile",
    "street_number",
    "street_name",
    "postcode",
    "city",
    "co_guardian_civility",
    "co_guardian_last_name",
    "co_guardian_first_name",
    "co_guardian_email",
    "benefits_number",
    "child_ref",
    "child_last_name",
    "child_first_name",
    "child_birth_date",
]
REQUIRED = {
    "household_ref",
    "guardian_last_name",
    "guardian_first_name",
    "street_name",
    "postcode",
    "city",
    "child_ref",
    "child_last_name",
    "child_first_name",
    "child_birth_date",
}
HOUSEHOLD_COLUMNS = COLUMNS[: COLUMNS.index("child_ref")]
CIVILITIES = {"mme": "mme", "madame": "mme", "m": "m", "m.": "m", "monsieur": "m", "": ""}


def parse_date(value: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


# --- Extension points for other apps -------------------------------------------------------------


@dataclass
class ColumnGroup:
    """Optional columns that come together (all present or all absent), each value checked by `check`.

    `check(value, row)` returns an error message in French, or "" when the value is right.
    """

    name: str
    columns: tuple[str, ...]
    check: Callable[[str, str, dict], str] = lambda column, value, row: ""


COLUMN_GROUPS: dict[str, ColumnGroup] = {}
# hook(caisse=, rows=[(row dict, Child)], options=dict, dry_run=bool) inside the transaction;
# row["__line__"] is the line number. A hook refuses the file by raising ImportRejected.
# The hooks run by their `order` (lowest first), whatever the order the apps register them in.
HOOKS: list[Callable] = []
HOOK_ORDER: dict[Callable, int] = {}
# The orders of the apps' hooks, written here so that the sequence reads in one place.
TARIFFS_HOOK_ORDER = 10  # pricing: the tariffs decided in the former software
ENROLLMENTS_HOOK_ORDER = 20  # enrollment: the children's enrollments for the school year


def register_column_group(group: ColumnGroup) -> None:
    COLUMN_GROUPS[group.name] = group


def register_hook(hook: Callable, *, order: int) -> None:
    """Run `hook` after every import of families, among the hooks by `order` (lowest first)."""
    if any(HOOK_ORDER.get(other) == order for other in HOOKS if other is not hook):
        raise ValueError(f"Another import hook already has the order {order}.")
    HOOK_ORDER[hook] = order
    if hook not in HOOKS:
        HOOKS.append(hook)
    HOOKS.sort(key=HOOK_ORDER.__getitem__)


def _check_weekdays(column, value, row):
    # ISO digits in order, as in export_enrollments: "1245" = Monday, Tuesday, Thursday, Friday.
    if (
        not value
        or not value.isdigit()
        or any(day not in "12345" for day in value)
        or list(value) != sorted(set(value))
    ):
        return "jours attendus en chiffres ISO dans l'ordre, de 1 (lundi) à 5 (vendredi), par exemple 1245"
    return ""


def _check_enrollment(column, value, row):
    if column == "school_code":
        return "" if value else "le code de l'établissement est obligatoire"
    if column == "weekdays":
        return _check_weekdays(column, value, row)
    if column == "custody":
        return "" if value in {"full", "even", "odd", "calendar"} else "attendu : full, even, odd ou calendar"
    return ""


def _check_tariff(column, value, row):
    if not row.get("bracket") and not row.get("family_quotient"):
        return ""  # no decided tariff for this household: tarif 10 until a decision
    if column == "bracket":
        return "" if value.isdigit() and 1 <= int(value) <= 10 else "une tranche de 1 à 10 est attendue"
    if column == "family_quotient":
        try:
            float(value.replace(",", "."))
        except ValueError:
            return "un nombre est attendu"
    return ""


# The columns of enrollment and pricing: checked here, their effect wired by those apps' hooks.
register_column_group(ColumnGroup("enrollment", ("school_code", "weekdays", "custody"), _check_enrollment))
register_column_group(ColumnGroup("tariff", ("bracket", "family_quotient"), _check_tariff))


# --- The import ----------------------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"ligne {self.line}, colonne {self.column or '—'} : {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    households_created: int = 0
    households_existing: int = 0
    children_created: int = 0
    children_existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    created_households: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"Fichier refusé : {len(self.errors)} erreur(s), rien n'a été importé."
        verb = "seraient créés" if self.dry_run else "créés"
        return (
            f"{self.rows} ligne(s) lue(s) ; foyers {verb} : {self.households_created}, déjà connus : "
            f"{self.households_existing} ; enfants {verb} : {self.children_created}, déjà connus : "
            f"{self.children_existing}."
        )


class ImportRejected(Exception):
    def __init__(self, report):
        super().__init__(report.summary())
        self.report = report


def _read(content: bytes | str, report: ImportReport):
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(RowError(1, "", "le fichier doit être encodé en UTF-8"))
            return None, []
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=";")
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        report.errors.append(RowError(1, "", "le fichier est vide"))
        return None, []
    missing = [name for name in COLUMNS if name not in header]
    for name in missing:
        report.errors.append(RowError(1, name, "colonne absente de l'en-tête"))
    known = set(COLUMNS)
    groups = []
    for group in COLUMN_GROUPS.values():
        present = [name for name in group.columns if name in header]
        known.update(group.columns)
        if present and len(present) != len(group.columns):
            for name in group.columns:
                if name not in header:
                    report.errors.append(
                        RowError(
                            1,
                            name,
                            f"colonne absente : les colonnes {', '.join(group.columns)} vont ensemble",
                        )
                    )
        elif present:
            groups.append(group)
    for name in header:
        if name not in known:
            report.errors.append(RowError(1, name, "colonne inconnue"))
    if len(set(header)) != len(header):
        report.errors.append(RowError(1, "", "une colonne apparaît deux fois dans l'en-tête"))
    if report.errors:
        return None, []
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            report.errors.append(
                RowError(
                    line, "", f"{len(values)} valeurs au lieu de {len(header)} (séparateur « ; » attendu)"
                )
            )
            continue
        rows.append((line, {name: value.strip() for name, value in zip(header, values, strict=True)}))
    return groups, rows


def _check_row(line: int, row: dict, groups, report: ImportReport) -> dict | None:
    errors = []
    for name in REQUIRED:
        if not row[name]:
            errors.append(RowError(line, name, "valeur obligatoire manquante"))
    parsed = {}
    for name in ("guardian_birth_date", "child_birth_date"):
        if row[name]:
            try:
                parsed[name] = parse_date(row[name])
            except ValueError:
                errors.append(RowError(line, name, f"date invalide « {row[name]} » (JJ/MM/AAAA attendu)"))
        else:
            parsed[name] = None
    for name in ("guardian_email", "co_guardian_email"):
        if row[name]:
            try:
                validate_email(row[name])
            except ValidationError:
                errors.append(RowError(line, name, f"courriel invalide « {row[name]} »"))
    for name in ("guardian_civility", "co_guardian_civility"):
        if row[name].lower() not in CIVILITIES:
            errors.append(RowError(line, name, f"civilité inconnue « {row[name]} » (Mme ou M)"))
    has_co = any(row[name] for name in HOUSEHOLD_COLUMNS if name.startswith("co_guardian_"))
    if has_co:
        for name in ("co_guardian_last_name", "co_guardian_first_name"):
            if not row[name]:
                errors.append(RowError(line, name, "valeur obligatoire quand un co-représentant est indiqué"))
    for group in groups:
        for name in group.columns:
            message = group.check(name, row[name], row)
            if message:
                errors.append(RowError(line, name, message))
    report.errors.extend(errors)
    return None if errors else parsed


def import_families(*, caisse, content: bytes | str, dry_run: bool = False, options: dict | None = None):
    """Read, check, then create (unless dry_run) the households of `content`. Returns the ImportReport.

    Raises ImportRejected (with the report) when any row is wrong: nothing is written then.
    """
    report = ImportReport(dry_run=dry_run)
    groups, rows = _read(content, report)
    if report.errors:
        raise ImportRejected(report)
    report.rows = len(rows)

    households: dict[str, dict] = {}  # household_ref -> first row, line, children
    seen_children: dict[str, int] = {}
    for line, row in rows:
        parsed = _check_row(line, row, groups, report)
        child_ref = row["child_ref"]
        if child_ref:
            if child_ref in seen_children:
                report.errors.append(
                    RowError(
                        line,
                        "child_ref",
                        f"child_ref « {child_ref} » déjà vu ligne {seen_children[child_ref]}",
                    )
                )
            else:
                seen_children[child_ref] = line
        ref = row["household_ref"]
        if not ref:
            continue
        entry = households.get(ref)
        if entry is None:
            entry = households[ref] = {"row": row, "line": line, "parsed": parsed, "children": []}
        else:
            for name in HOUSEHOLD_COLUMNS:
                if row[name] != entry["row"][name]:
                    report.errors.append(
                        RowError(
                            line,
                            name,
                            f"« {row[name]} » diffère de la ligne {entry['line']} du même foyer « {entry['row'][name]} »",
                        )
                    )
        if parsed is not None:
            entry["children"].append((line, row, parsed))

    # Every reference of the Caisse in one query each (no per-row query, no huge IN list).
    existing_households = {
        reference: pk
        for reference, pk in Household.objects.for_caisse(caisse)
        .exclude(reference="")
        .values_list("reference", "pk")
        if reference in households
    }
    existing_children = {
        reference: household_ref
        for reference, household_ref in Child.objects.filter(household__caisse=caisse)
        .exclude(reference="")
        .values_list("reference", "household__reference")
        if reference in seen_children
    }
    line_household = {line: row["household_ref"] for line, row in rows}
    for child_ref, household_ref in existing_children.items():
        line = seen_children[child_ref]
        if line_household[line] != household_ref:
            # A child already imported stays in its household.
            report.errors.append(
                RowError(
                    line,
                    "child_ref",
                    f"child_ref « {child_ref} » appartient déjà au foyer « {household_ref} »",
                )
            )
    if report.errors:
        report.errors.sort(
            key=lambda error: (error.line, COLUMNS.index(error.column) if error.column in COLUMNS else 99)
        )
        raise ImportRejected(report)

    with transaction.atomic():
        _write(caisse, households, existing_households, existing_children, report, options or {}, dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(caisse, households, existing_households, existing_children, report, options, dry_run):
    now = timezone.now()
    taken = set(Household.objects.exclude(service_key=None).values_list("service_key", flat=True))
    new_households = []
    for ref in households:
        if ref in existing_households:
            report.households_existing += 1
            continue
        new_households.append(
            Household(
                caisse=caisse,
                reference=ref,
                state=HouseholdState.VALIDATED,
                submitted_at=now,
                validated_at=now,
                service_key=new_service_key(taken),
            )
        )
    report.households_created = len(new_households)
    created = bulk_create_with_history(new_households, Household, batch_size=1000) if new_households else []
    ids = dict(existing_households)
    if created and created[0].pk is None:  # a backend without RETURNING: read the ids back
        ids.update(Household.objects.for_caisse(caisse).exclude(reference="").values_list("reference", "pk"))
    else:
        ids.update({household.reference: household.pk for household in created})
    report.created_households = [household.reference for household in new_households]

    guardians, children, events, hook_rows = [], [], [], []
    new_refs = set(report.created_households)
    for ref, entry in households.items():
        household_id = ids[ref]
        row, parsed = entry["row"], entry["parsed"] or {}
        if ref in new_refs:
            address = {
                "street_number": row["street_number"],
                "street_name": row["street_name"],
                "postcode": row["postcode"],
                "city": row["city"],
                "country": "France",
            }
            guardians.append(
                Guardian(
                    household_id=household_id,
                    role=GuardianRole.PRIMARY,
                    civility=CIVILITIES[row["guardian_civility"].lower()],
                    last_name=row["guardian_last_name"],
                    first_name=row["guardian_first_name"],
                    birth_date=parsed.get("guardian_birth_date"),
                    email=row["guardian_email"],
                    mobile_phone=row["guardian_mobile"],
                    benefits_number=row["benefits_number"],
                    benefits_member=bool(row["benefits_number"]),
                    **address,
                )
            )
            if row["co_guardian_last_name"]:
                guardians.append(
                    Guardian(
                        household_id=household_id,
                        role=GuardianRole.CO_GUARDIAN,
                        civility=CIVILITIES[row["co_guardian_civility"].lower()],
                        last_name=row["co_guardian_last_name"],
                        first_name=row["co_guardian_first_name"],
                        email=row["co_guardian_email"],
                        **address,
                    )
                )
            events.append(
                HouseholdEvent(
                    household_id=household_id,
                    action=HouseholdAction.IMPORTED,
                    to_state=HouseholdState.VALIDATED,
                    message=f"household_ref {ref}",
                )
            )
        for _line, child_row, child_parsed in entry["children"]:
            if child_row["child_ref"] in existing_children:
                report.children_existing += 1
                continue
            child = Child(
                household_id=household_id,
                reference=child_row["child_ref"],
                last_name=child_row["child_last_name"],
                first_name=child_row["child_first_name"],
                birth_date=child_parsed["child_birth_date"],
            )
            children.append(child)
            hook_rows.append(({**child_row, "__line__": _line}, child))
    if guardians:
        bulk_create_with_history(guardians, Guardian, batch_size=1000)
    if children:
        bulk_create_with_history(children, Child, batch_size=1000)
    HouseholdEvent.objects.bulk_create(events, batch_size=1000)
    report.children_created = len(children)
    for hook in HOOKS:
        hook(caisse=caisse, rows=hook_rows, options=options, dry_run=dry_run)


__all__ = [
    "COLUMNS",
    "ColumnGroup",
    "ImportRejected",
    "ImportReport",
    "import_families",
    "register_column_group",
    "register_hook",
]
