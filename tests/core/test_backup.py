"""`manage.py backup` and `manage.py restore`: the demo goes round trip, table by table, file by file."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from refectoire.core.backup import media_root

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and pg_restore see committed data only


@pytest.fixture
def private(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def tables():
    """Every row of every table, in a stable order."""
    content = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            content[table] = sorted(cursor.fetchall(), key=repr)
    return content


def files(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def demo(private, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    assert media_root() == private
    assert files(private), "the demo stores documents"
    (private / "courriers").mkdir()
    (private / "courriers" / "réponse.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    backup = tmp_path / "sauvegarde.tar"
    call_command("backup", "--output", str(backup), stdout=io.StringIO())
    return backup


def test_a_backup_restored_gives_back_every_table_and_every_file(demo, private):
    before_tables, before_files = tables(), files(private)
    assert sum(len(rows) for rows in before_tables.values()) > 1000

    # The manifest names every member with its checksum.
    with tarfile.open(demo) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        members = set(archive.getnames())
    assert manifest["database"] == connection.vendor
    assert "billing.0001_initial" in manifest["migrations"]
    database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert members == {"manifest.json", *listed}
    assert {
        path[len("media/") :]: digest for path, digest in listed.items() if path != database
    } == before_files

    # What an incident leaves: rows gone, a file lost, another overwritten.
    call_command("flush", "--noinput")
    lost, overwritten = sorted(before_files)[:2]
    (private / lost).unlink()
    (private / overwritten).write_bytes(b"not the proof")
    assert tables() != before_tables

    out = io.StringIO()
    call_command("restore", str(demo), "--noinput", stdout=out)
    assert "Sauvegarde restaurée" in out.getvalue()
    assert tables() == before_tables
    assert files(private) == before_files


def test_a_damaged_backup_is_refused_before_anything_changes(private, tmp_path):
    from tests.factories import CaisseFactory

    CaisseFactory(slug="cde11")
    (private / "justificatifs").mkdir(parents=True)
    (private / "justificatifs" / "avis.pdf").write_bytes(b"%PDF-1.4 proof")
    backup = tmp_path / "sauvegarde.tar"
    call_command("backup", "--output", str(backup), stdout=io.StringIO())
    damaged = tmp_path / "abimee.tar"
    with tarfile.open(backup) as archive, tarfile.open(damaged, "w") as copy:
        for info in archive.getmembers():
            data = archive.extractfile(info).read()
            if info.name == "media/justificatifs/avis.pdf":
                data = data.replace(b"proof", b"PROOF")
            copy.addfile(info, io.BytesIO(data))
    CaisseFactory(slug="cde19")
    (private / "justificatifs" / "avis.pdf").write_bytes(b"%PDF-1.4 newer proof")
    before_tables, before_files = tables(), files(private)

    with pytest.raises(CommandError, match="altérée.*avis.pdf"):
        call_command("restore", str(damaged), "--noinput")
    assert tables() == before_tables
    assert files(private) == before_files

    call_command("restore", str(backup), "--noinput", stdout=io.StringIO())
    assert (private / "justificatifs" / "avis.pdf").read_bytes() == b"%PDF-1.4 proof"
    from refectoire.caisses.models import Caisse

    assert list(Caisse.objects.values_list("slug", flat=True)) == ["cde11"]
