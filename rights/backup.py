"""`manage.py backup FILE` and `manage.py restore FILE`: the database and the evidence files in one archive.

The archive is a tar file holding `manifest.json` (format, database vendor, row counts per table, the SHA-256 of
every evidence file), the database and the files under `media/`:
- PostgreSQL: `pg_dump --format=custom` (the server's own tool: consistent in one snapshot while the desk keeps
  running, and restored by `pg_restore` with every trigger and index), without the rows of derived tables;
- SQLite: a copy made with SQLite's online backup API (`sqlite3.Connection.backup`: consistent while the file is
  in use, unlike copying the file).

`restore` loads an archive into a database that holds no work yet (no user, no request, no audit entry and no
evidence file: a fresh `migrate`, or no tables at all) and refuses any other. Derived tables (the dashboard's
tally) are rebuilt from the requests rather than loaded; then the row counts and every file's digest are checked
against the manifest and the clocks against a replay of the events.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

FORMAT = "rightsdesk-backup/1"
# Tables computed from others: never loaded from a backup, rebuilt after a restore.
DERIVED_TABLES = ("rights_requesttally",)
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line for the operator."""


@dataclass
class Restored:
    rows: int
    files: int
    differing_clocks: list


def row_counts() -> dict[str, int]:
    """Rows per table of every model, derived tables left out."""
    tables = set(connection.introspection.table_names())
    counts = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in tables and table not in DERIVED_TABLES and not model._meta.proxy:
            counts[model._meta.label] = model._base_manager.count()
    return counts


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def file_digests(root: Path) -> dict[str, str]:
    digests = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
            digests[path.relative_to(root).as_posix()] = digest.hexdigest()
    return digests


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise BackupError(f"{argv[0]} failed: {last}")


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        excluded = [f"--exclude-table-data={table}" for table in DERIVED_TABLES]
        _run(["pg_dump", "--format=custom", "--no-owner", *excluded, *args, "--file", str(target),
              connection.settings_dict["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
            for table in DERIVED_TABLES:
                if destination.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
                    destination.execute(f'DELETE FROM "{table}"')
            destination.commit()
        finally:
            destination.close()
    else:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")


def backup(path: Path) -> dict:
    """Write the archive to `path` (replaced atomically); returns its manifest."""
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        work = Path(work)
        member = DATABASE_MEMBER.get(connection.vendor, "database")
        _dump_database(work / member)
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "rows": row_counts(),
            "files": file_digests(media_root()),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = work / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(work / member, member)
            for name in manifest["files"]:
                archive.add(media_root() / name, f"media/{name}")
        os.replace(partial, path)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a RightsDesk backup (no manifest)")
    return manifest


def work_in_database() -> list[str]:
    """What makes the database not empty: the work a restore would overwrite."""
    tables = set(connection.introspection.table_names())
    found = []
    for label, what in (("auth.User", "user accounts"), ("rights.RightsRequest", "requests"),
                        ("records.AuditEntry", "audit entries")):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.exists():
            found.append(what)
    if any(p.is_file() for p in media_root().rglob("*")) if media_root().is_dir() else False:
        found.append(f"files in {media_root()}")
    return found


def _load_database(source: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, "--dbname", connection.settings_dict["NAME"], str(source)], env)
    else:
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        connection.close()


def _rebuild_derived() -> None:
    from . import tally

    if tally.available():
        with connection.cursor() as cursor:
            tally.rebuild(cursor)


def restore(path: Path) -> Restored:
    try:
        archive = tarfile.open(path, "r")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{path}: not a RightsDesk backup (not a tar archive)") from None
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(archive)
        if manifest.get("vendor") != connection.vendor:
            raise BackupError(f"the backup is of a {manifest.get('vendor')} database; this one is {connection.vendor}")
        found = work_in_database()
        if found:
            raise BackupError(f"the database is not empty ({', '.join(found)}); restore only into a fresh database")
        archive.extractall(work, filter="data")
        work = Path(work)
        copied = file_digests(work / "media")
        if copied != manifest["files"]:
            raise BackupError("the backup's evidence files do not match its manifest")
        _load_database(work / DATABASE_MEMBER[connection.vendor])
        _rebuild_derived()
        if (work / "media").is_dir():
            shutil.copytree(work / "media", media_root(), dirs_exist_ok=True)
    if file_digests(media_root()) != manifest["files"]:
        raise BackupError("the restored evidence files do not match the backup's digests")
    counts = row_counts()
    differing = {label: (n, counts.get(label)) for label, n in manifest["rows"].items() if counts.get(label) != n}
    if differing:
        raise BackupError(f"row counts differ from the backup: {sorted(differing.items())[:3]}")
    from deadlines.registry import rebuild_all
    from policies.models import work_calendar

    clocks = [d for r in rebuild_all(check=True, calendar=work_calendar()) for d in r.differing]
    return Restored(rows=sum(counts.values()), files=len(manifest["files"]), differing_clocks=clocks)
