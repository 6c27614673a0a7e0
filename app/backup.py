"""Consistent backups while the app keeps writing, and restoring them.

A copy of the database file taken with `cp` while gunicorn writes can hold half a transaction
(or miss what is still in the WAL). SQLite's online backup API copies from a read transaction of
its own connection, so the copy is one committed state; PostgreSQL's pg_dump reads one
snapshot. Both write to a temporary name first and rename it into place, so DEST is either the
whole copy or absent. Restoring refuses to overwrite a database that holds tables unless forced:
a restore is the one command here that can destroy a day's inspections.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def backup(database_uri: str, dest: Path, force: bool = False) -> str:
    """Copy the database at `database_uri` to `dest`; returns a one-line summary."""
    dest = Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} exists; pass --force to replace it")
    partial = dest.with_name(dest.name + ".partial")
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        source = sqlite_path(database_uri)
        _sqlite_copy(source, partial)
        verdict = integrity(partial)
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise BackupError(f"the copy failed its integrity check: {verdict}")
    else:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(partial),
                _libpq_url(database_uri),
            ]
        )
    os.replace(partial, dest)
    return f"backed up to {dest} ({dest.stat().st_size} bytes)"


def restore(database_uri: str, src: Path, force: bool = False) -> str:
    """Bring the backup `src` back into the database at `database_uri`."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"no backup at {src}")
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        verdict = integrity(src)
        if verdict != "ok":
            raise BackupError(f"{src} is not a sound SQLite database: {verdict}")
        target = sqlite_path(database_uri)
        if _sqlite_has_tables(target) and not force:
            raise BackupError(f"{target} holds data; pass --force to overwrite it")
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(src, target)
        return f"restored {src} into {target}"
    if _postgresql_has_tables(database_uri) and not force:
        raise BackupError(f"{url.database} holds data; pass --force to overwrite it")
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _libpq_url(database_uri),
            str(src),
        ]
    )
    return f"restored {src} into {url.database}"


def sqlite_path(database_uri: str) -> Path:
    database = make_url(database_uri).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def integrity(path: Path) -> str:
    """SQLite's own verdict on a database file: "ok", or what is wrong with it."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return ", ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """The online backup API in one step: one read transaction, so one committed state."""
    if not source.exists():
        raise BackupError(f"no database at {source}")
    reader = sqlite3.connect(source, timeout=30)
    writer = sqlite3.connect(target, timeout=30)
    try:
        reader.execute("PRAGMA busy_timeout = 30000")
        reader.backup(writer)  # pages=-1: everything at once
    finally:
        writer.close()
        reader.close()


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    connection = sqlite3.connect(path)
    try:
        return (
            connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            > 0
        )
    finally:
        connection.close()


def _postgresql_has_tables(database_uri: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_uri)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    text(
                        "SELECT count(*) FROM information_schema.tables"
                        " WHERE table_schema = 'public'"
                    )
                ).scalar_one()
                > 0
            )
    finally:
        engine.dispose()


def _libpq_url(database_uri: str) -> str:
    """pg_dump and pg_restore take libpq URLs: no SQLAlchemy driver name."""
    return make_url(database_uri).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")
