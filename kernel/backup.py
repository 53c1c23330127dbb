"""Backing up an instance into one archive, and restoring it into a new database.

The archive (``.tar.gz``) holds ``manifest.json`` — format, time, database kind,
installed addons with their versions, the row count of every table — and the
database itself: a ``pg_dump`` custom-format dump for PostgreSQL, or a copy made
with SQLite's online backup API, which reads a consistent picture while the
server keeps writing. Attachments live in the database (``ir_attachment``), so
the dump carries them; the manifest counts them.

Restore refuses a database that already holds data (unless told to replace it),
a backup of the other database kind, and a backup that does not match its own
manifest; after restoring, every table's row count is compared with the manifest.
The tools are the databases' own (``pg_dump``/``pg_restore``, ``sqlite3.backup``):
they know every type, sequence, trigger and index, which a home-made copy would not.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kernel.database import normalize_url
from kernel.errors import UserError
from kernel.i18n import _

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(UserError):
    """A backup or restore that cannot be done as asked."""

    title = "Backup error"


def backup(url: str, path: Path) -> dict[str, Any]:
    """Write the archive for the instance at ``url`` to ``path``; returns its manifest."""
    url = normalize_url(url)
    kind = _kind(url)
    with tempfile.TemporaryDirectory(prefix="suanpan-backup-") as folder:
        if kind == "sqlite":
            member = Path(folder) / SQLITE_MEMBER
            _sqlite_copy(_sqlite_file(url), member)
            manifest = _manifest(f"sqlite:///{member}", kind)
        else:
            member = Path(folder) / PG_MEMBER
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "-f", str(member)],
                url,
            )
            manifest = _manifest(url, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(member, arcname=member.name)
        partial.replace(path)  # never leave a half-written archive under the real name
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            handle = archive.extractfile(MANIFEST)
            if handle is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.load(handle)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(
            _("%(path)s is not a Suanpan backup (%(reason)s)", path=str(path), reason=str(exc))
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _(
                "%(path)s has backup format %(found)s; this version reads format %(format)s",
                path=str(path),
                found=str(manifest.get("format")),
                format=FORMAT,
            )
        )
    return manifest


def restore(path: Path, url: str, *, replace: bool = False) -> dict[str, Any]:
    """Restore the archive at ``path`` into the (new or empty) database at ``url``."""
    manifest = read_manifest(path)
    url = normalize_url(url)
    kind = _kind(url)
    if manifest["database"] != kind:
        raise BackupError(
            _(
                "this backup is of a %(found)s database and cannot be restored into %(kind)s",
                found=manifest["database"],
                kind=kind,
            )
        )
    with tempfile.TemporaryDirectory(prefix="suanpan-restore-") as folder:
        member = SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER
        with tarfile.open(path, "r:gz") as archive:
            archive.extract(member, folder, filter="data")
        source = Path(folder) / member
        if kind == "sqlite":
            _restore_sqlite(source, url, replace=replace)
        else:
            _restore_postgresql(source, url, replace=replace)
    problems = _compare_counts(manifest["tables"], _table_counts(url))
    if problems:
        raise BackupError(
            _(
                "the restored database differs from the backup's manifest: %(problems)s",
                problems="; ".join(problems[:5]),
            )
        )
    return manifest


# --- SQLite --------------------------------------------------------------------------


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database or ""
    if not database or database == ":memory:" or not Path(database).is_file():
        raise BackupError(_("no SQLite database at %(path)s", path=database or url))
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while other connections write."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _restore_sqlite(source: Path, url: str, *, replace: bool) -> None:
    database = make_url(url).database or ""
    if not database or database == ":memory:":
        raise BackupError(_("restore needs a SQLite file path, not %(url)s", url=url))
    target = Path(database)
    if target.exists() and target.stat().st_size and not replace:
        raise BackupError(
            _(
                "%(path)s already exists: choose a new file, or pass --replace to overwrite it",
                path=str(target),
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    partial.replace(target)
    for suffix in ("-wal", "-shm"):  # a stale journal of the replaced file must not apply
        target.with_name(target.name + suffix).unlink(missing_ok=True)


# --- PostgreSQL ----------------------------------------------------------------------


def _restore_postgresql(source: Path, url: str, *, replace: bool) -> None:
    parsed = make_url(url)
    name = parsed.database or ""
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if exists and not replace and _has_tables(url):
                raise BackupError(
                    _(
                        "the database %(name)s already holds tables: restore into a new database, "
                        "or pass --replace to drop and re-create it",
                        name=name,
                    )
                )
            if exists and replace:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            str(source),
        ],
        url,
    )


def _has_tables(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _run(command: list[str], url: str) -> None:
    """Run pg_dump/pg_restore against ``url``; their error becomes one readable line."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    command = [*command, "-d", libpq]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _(
                "%(tool)s is not installed (Debian: apt-get install postgresql-client)",
                tool=command[0],
            )
        ) from exc
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupError(_("%(tool)s failed: %(error)s", tool=command[0], error=last))


# --- manifest ------------------------------------------------------------------------


def _kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(_("backups support SQLite and PostgreSQL, not %(kind)s", kind=backend))
    return backend


def _manifest(url: str, kind: str) -> dict[str, Any]:
    counts = _table_counts(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            addons = [
                {"name": r.name, "version": r.version}
                for r in conn.execute(text("SELECT name, version FROM ir_addon ORDER BY sequence"))
            ]
    finally:
        engine.dispose()
    return {
        "format": FORMAT,
        "suanpan": _version(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": kind,
        "addons": addons,
        "attachments": counts.get("ir_attachment", 0),
        "tables": counts,
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("suanpan")
    except PackageNotFoundError:
        return "unknown"


def _table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: int(conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar() or 0)
                for table in sorted(inspect(conn).get_table_names())
            }
    finally:
        engine.dispose()


def _compare_counts(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    return [
        f"{table}: {found.get(table)} rows, {count} expected"
        for table, count in expected.items()
        if found.get(table) != count
    ]
