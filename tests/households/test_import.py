"""Import of known families: all or nothing, every bad row reported, re-import changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refectoire.households import importer
from refectoire.households.enums import GuardianRole, HouseholdState
from refectoire.households.importer import COLUMNS, REQUIRED, ImportRejected, import_families
from refectoire.households.models import Child, Guardian, Household, HouseholdEvent

pytestmark = pytest.mark.django_db

HEADER = ";".join(COLUMNS)
GOOD_ROWS = [
    "F001;Mme;Lovinfosse;Allison;17/05/1985;allison@example.fr;0612345678;12;rue de la Roquette;75011;Paris;M;Lovinfosse;Patrick;patrick@example.fr;1234567;C001;Lovinfosse;Elie;02/09/2017",
    "F001;Mme;Lovinfosse;Allison;17/05/1985;allison@example.fr;0612345678;12;rue de la Roquette;75011;Paris;M;Lovinfosse;Patrick;patrick@example.fr;1234567;C002;Lovinfosse;Hikari;11/01/2019",
    "F002;M;Petit;Marc;;marc@example.fr;;3;boulevard Voltaire;75011;Paris;;;;;;C003;Petit;Jade;2016-06-30",
]


def csv_of(rows, header=HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_a_good_file_creates_validated_households_with_unique_keys(cde11):
    report = import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    assert (report.households_created, report.children_created) == (2, 3)
    first = Household.objects.get(caisse=cde11, reference="F001")
    assert first.state == HouseholdState.VALIDATED
    assert first.service_key.startswith("ENF-")
    assert first.service_key != Household.objects.get(reference="F002").service_key
    assert sorted(first.children.values_list("first_name", flat=True)) == ["Elie", "Hikari"]
    holder = first.guardians.get(role=GuardianRole.PRIMARY)
    assert (holder.civility, holder.email, holder.benefits_number) == ("mme", "allison@example.fr", "1234567")
    assert first.guardians.get(role=GuardianRole.CO_GUARDIAN).street_name == "rue de la Roquette"
    assert first.events.get().action == "imported"
    assert first.history.count() == 1


def test_importing_the_same_file_again_changes_nothing(cde11):
    import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    before = {
        "households": list(Household.objects.values_list("pk", "service_key", "updated_at")),
        "guardians": list(Guardian.objects.values_list("pk", "updated_at")),
        "children": list(Child.objects.values_list("pk", "updated_at")),
        "events": HouseholdEvent.objects.count(),
    }
    report = import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    assert (report.households_created, report.children_created) == (0, 0)
    assert (report.households_existing, report.children_existing) == (2, 3)
    after = {
        "households": list(Household.objects.values_list("pk", "service_key", "updated_at")),
        "guardians": list(Guardian.objects.values_list("pk", "updated_at")),
        "children": list(Child.objects.values_list("pk", "updated_at")),
        "events": HouseholdEvent.objects.count(),
    }
    assert after == before


def test_a_bad_file_writes_nothing_and_reports_every_bad_row(cde11):
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1].replace(";Hikari;", ";;"),  # line 3: missing child first name
        GOOD_ROWS[2].replace("2016-06-30", "31/02/2016").replace("marc@example.fr", "marc@"),  # line 4
        GOOD_ROWS[2].replace("C003", "C001").replace("F002", "F003"),  # line 5: duplicate child_ref
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of(rows))
    found = {(error.line, error.column) for error in rejected.value.report.errors}
    assert found == {
        (3, "child_first_name"),
        (4, "guardian_email"),
        (4, "child_birth_date"),
        (5, "child_ref"),
    }
    assert not Household.objects.exists() and not Child.objects.exists() and not Guardian.objects.exists()


def test_a_missing_column_rejects_the_file(cde11):
    header = HEADER.replace("benefits_number;", "")
    rows = [row.replace(";1234567;", ";") for row in GOOD_ROWS[:1]]
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of(rows, header=header))
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [(1, "benefits_number")]


def test_optional_column_groups_must_come_whole_and_reach_the_hooks(cde11, monkeypatch):
    seen = []
    monkeypatch.setattr(importer, "HOOKS", [])

    def hook(*, caisse, rows, options, dry_run):
        seen.extend(
            (row["school_code"], row["weekdays"], child.first_name, options["year"]) for row, child in rows
        )

    importer.register_hook(hook, order=10)
    try:
        header = HEADER + ";school_code;weekdays"
        with pytest.raises(ImportRejected) as rejected:
            import_families(caisse=cde11, content=csv_of([GOOD_ROWS[2] + ";E11;12"], header=header))
        assert (1, "custody") in {(e.line, e.column) for e in rejected.value.report.errors}

        header = HEADER + ";school_code;weekdays;custody"
        with pytest.raises(ImportRejected) as rejected:
            import_families(caisse=cde11, content=csv_of([GOOD_ROWS[2] + ";E11;17;full"], header=header))
        assert [(e.line, e.column) for e in rejected.value.report.errors] == [(2, "weekdays")]

        import_families(
            caisse=cde11,
            content=csv_of([GOOD_ROWS[2] + ";E11;124;even"], header=header),
            options={"year": "2026-2027"},
        )
        assert seen == [("E11", "124", "Jade", "2026-2027")]
    finally:
        importer.HOOKS.remove(hook)


def test_dry_run_checks_without_writing(cde11):
    report = import_families(caisse=cde11, content=csv_of(GOOD_ROWS), dry_run=True)
    assert report.households_created == 2
    assert not Household.objects.exists()


def test_the_command_imports_and_reports_bad_lines(cde11, tmp_path):
    good = tmp_path / "familles.csv"
    good.write_bytes(csv_of(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_families", str(good), "--caisse", "cde11", "--dry-run", stdout=out)
    assert "Essai à blanc" in out.getvalue() and not Household.objects.exists()
    call_command("import_families", str(good), "--caisse", "cde11", "--year", "2026-2027", stdout=out)
    assert Household.objects.count() == 2

    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(csv_of([GOOD_ROWS[2].replace("Petit;Jade", "Petit;")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_families", str(bad), "--caisse", "cde11", stderr=err)
    assert "ligne 2, colonne child_first_name" in err.getvalue()


def test_the_letters_pdf_has_one_letter_per_household_with_its_key(cde11, tmp_path):
    from pypdf import PdfReader

    import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    output = tmp_path / "lettres.pdf"
    call_command("service_key_letters", "--caisse", "cde11", "--output", str(output), stdout=io.StringIO())
    reader = PdfReader(str(output))
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    for household in Household.objects.all():
        assert household.service_key in text
    assert "Allison LOVINFOSSE" in text and "rue de la Roquette" in text
    assert "/cde11/mon-espace/profil/" in text


def test_rows_of_one_household_must_agree_on_its_columns(cde11):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1].replace("rue de la Roquette", "rue Oberkampf")]
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of(rows))
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [(3, "street_name")]


def test_a_new_child_of_a_known_household_is_added_and_nothing_else_changes(cde11):
    import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    key = Household.objects.get(reference="F002").service_key
    extra = GOOD_ROWS[2].replace("C003", "C004").replace("Jade", "Noé")
    report = import_families(caisse=cde11, content=csv_of([*GOOD_ROWS, extra]))
    assert (report.households_created, report.children_created) == (0, 1)
    household = Household.objects.get(reference="F002")
    assert household.service_key == key
    assert sorted(household.children.values_list("first_name", flat=True)) == ["Jade", "Noé"]


def test_a_child_already_imported_cannot_move_to_another_household(cde11):
    import_families(caisse=cde11, content=csv_of(GOOD_ROWS))
    moved = GOOD_ROWS[2].replace("C003", "C001")
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of([moved]))
    assert [(e.line, e.column) for e in rejected.value.report.errors] == [(2, "child_ref")]


def test_a_file_not_in_utf8_is_refused(cde11):
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of(GOOD_ROWS).replace(b"Allison", b"All\xe9son"))
    assert "UTF-8" in rejected.value.report.errors[0].message


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bad=st.sets(st.integers(min_value=0, max_value=5), min_size=1), column=st.sampled_from(sorted(REQUIRED))
)
def test_any_bad_rows_reject_the_file_and_each_is_reported(cde11, bad, column):
    rows = []
    for index in range(6):
        values = dict(zip(COLUMNS, GOOD_ROWS[2].split(";"), strict=True))
        values.update(household_ref=f"H{index}", child_ref=f"K{index}")
        if index in bad:
            values[column] = ""
        rows.append(";".join(values[name] for name in COLUMNS))
    with pytest.raises(ImportRejected) as rejected:
        import_families(caisse=cde11, content=csv_of(rows))
    assert {(e.line, e.column) for e in rejected.value.report.errors} == {
        (index + 2, column) for index in bad
    }
    assert not Household.objects.exists()
