"""Backup and restore of an installation: the database in its own format and the private files.

A backup is one tar file:

    manifest.json          what the archive holds, with the SHA-256 and size of every other member
    database.sqlite3       SQLite: a consistent copy made by SQLite's online backup API
    database.pgdump        PostgreSQL: `pg_dump --format=custom` (restored by `pg_restore`)
    media/<path>           every file under MEDIA_ROOT (proofs, calendars, certificates)

`restore` reads the manifest, checks every member against its checksum before it changes
anything, then replaces the database and writes the files. See docs/deploy.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "refectoire-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message is for the operator (French)."""


@dataclass
class Restored:
    database: str
    files: int
    left_in_place: list[str]


def media_root() -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment(alias: str) -> tuple[list[str], dict]:
    """Connection options of pg_dump / pg_restore for the database `alias` (password in PGPASSWORD)."""
    db = connections[alias].settings_dict
    options = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        options += ["--host", db["HOST"]]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return options, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL (paquet postgresql-client) "
            "de la même version que le serveur, ou plus récent."
        )
    return found


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} a échoué : {result.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        options, env = _pg_environment(alias)
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *options,
            ],
            env,
        )
        return PG_MEMBER
    raise BackupError(f"Base de données non prise en charge : {connection.vendor}.")


def _applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup(*, output: Path, alias: str = "default") -> dict:
    """Write the backup of the database `alias` and of MEDIA_ROOT to `output`; returns the manifest."""
    output = Path(output)
    root = media_root()
    with tempfile.TemporaryDirectory(dir=output.parent if output.parent.exists() else None) as work:
        dump = Path(work) / "database"
        member = _dump_database(alias, dump)
        entries = [{"path": member, "size": dump.stat().st_size, "sha256": _sha256(dump)}]
        files = sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
        for path in files:
            relative = path.relative_to(root).as_posix()
            entries.append(
                {"path": MEDIA_PREFIX + relative, "size": path.stat().st_size, "sha256": _sha256(path)}
            )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connections[alias].vendor,
            "migrations": _applied_migrations(alias),
            "files": entries,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(datetime.datetime.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(body))
            archive.add(dump, arcname=member, recursive=False)
            for path in files:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(root).as_posix(), recursive=False)
        os.chmod(partial, 0o600)  # personal data: readable by the operator only
        os.replace(partial, output)  # never a half-written backup under the final name
    return manifest


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in ("", ".")


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(
            "Ce fichier n'est pas une sauvegarde de Réfectoire (manifeste absent ou illisible)."
        ) from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            "Ce fichier n'est pas une sauvegarde de Réfectoire de ce format (version inconnue)."
        )
    return manifest


def verify(*, source: Path, into: Path) -> dict:
    """Extract `source` into the directory `into`, checking every member against the manifest."""
    try:
        archive = tarfile.open(source, "r")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Sauvegarde illisible : {error}") from error
    with archive:
        manifest = read_manifest(archive)
        expected = {entry["path"]: entry for entry in manifest["files"]}
        seen = set()
        for info in archive:
            if info.name == MANIFEST:
                continue
            if info.name not in expected or not info.isfile() or not _safe_member(info.name):
                raise BackupError(f"La sauvegarde contient un élément hors du manifeste : {info.name}")
            target = into / info.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(info) as source_file, target.open("wb") as handle:
                shutil.copyfileobj(source_file, handle, CHUNK)
            entry = expected[info.name]
            if target.stat().st_size != entry["size"] or _sha256(target) != entry["sha256"]:
                raise BackupError(
                    f"La sauvegarde est altérée : la somme de contrôle de {info.name} ne correspond pas."
                )
            seen.add(info.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"La sauvegarde est incomplète : {', '.join(missing[:5])} manque(nt).")
    return manifest


def _restore_database(alias: str, manifest: dict, folder: Path) -> None:
    connection = connections[alias]
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"Cette sauvegarde est d'une base {manifest['database']} : elle ne se restaure pas dans une base "
            f"{connection.vendor}."
        )
    if connection.vendor == "sqlite":
        source = sqlite3.connect(folder / SQLITE_MEMBER)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)  # replaces every page of the open database
        finally:
            source.close()
        return
    options, env = _pg_environment(alias)
    connection.close()  # no connection of ours holds a lock on what pg_restore drops
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            "--exit-on-error",
            *options,
            str(folder / PG_MEMBER),
        ],
        env,
    )


def restore(*, source: Path, alias: str = "default") -> Restored:
    """Replace the database `alias` and the files of MEDIA_ROOT by those of the backup `source`."""
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".restore-") as work:
        folder = Path(work)
        manifest = verify(source=Path(source), into=folder)  # nothing changed before this passes
        _restore_database(alias, manifest, folder)
        restored = set()
        for entry in manifest["files"]:
            if not entry["path"].startswith(MEDIA_PREFIX):
                continue
            relative = entry["path"][len(MEDIA_PREFIX) :]
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / entry["path"], target)
            restored.add(relative)
    others = sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() not in restored
    )
    return Restored(database=manifest["database"], files=len(restored), left_in_place=others)
