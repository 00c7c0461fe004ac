"""Opening a database: refuse one from a newer CoLiv, back up and upgrade an older one.

Schema upgrades are a feature: every later issue adds its tables in its own revision, and an
operator's file from any earlier release opens in this one without losing a row.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from coliv_desktop import __version__, config
from coliv_desktop.db import writer_lock
from coliv_desktop.db.engine import Database, make_engine, sqlite_read_only
from coliv_desktop.db.revisions import current_revision, head_revision, known_revisions
from coliv_desktop.db.writer_lock import WriterLock
from coliv_desktop.domain.errors import DatabaseUnavailable, DatabaseVersionError, FileProblem
from coliv_desktop.files import create_private, file_problem, make_folders, write_atomically
from coliv_desktop.locations import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

Progress = Callable[[str], None]
log = logging.getLogger("coliv")

NO_DATABASE_YET = ("no CoLiv database there yet; `coliv init` creates an empty one and "
                   "`coliv demo` one with the demo portfolio (in the app: File > New Database)")

__all__ = ["current_revision", "head_revision", "open_database", "upgrade"]


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _written_by(connection: Connection) -> str | None:
    if not inspect(connection).has_table("coliv_meta"):
        return None
    row = connection.execute(
        text("SELECT value FROM coliv_meta WHERE key = 'app_version'")
    ).first()
    return None if row is None else str(row[0])


def _check_known(connection: Connection, current: str | None) -> None:
    if current is None:
        tables = set(inspect(connection).get_table_names())
        if tables:
            raise DatabaseUnavailable(
                "This database already holds tables but is not a CoLiv database "
                f"(found {', '.join(sorted(tables)[:5])}); open an empty one instead."
            )
        return
    if current not in known_revisions():
        newer = _written_by(connection)
        needed = f"CoLiv {newer} or newer" if newer else "a newer CoLiv"
        raise DatabaseVersionError(
            f"This database has schema revision {current}, which CoLiv {__version__} "
            f"(schema {head_revision()}) does not know: it needs {needed}. "
            "Install that version to open it; nothing was changed."
        )


def backup_sqlite(url: URL, label: str) -> Path | None:
    """Copy a SQLite database with the online backup API (consistent even with WAL pages)."""
    source_path = config.sqlite_path(url)
    if source_path is None or not source_path.exists():
        return None
    folder = config.backups_dir(url)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target_path = folder / f"{source_path.stem}-{stamp}-{label}.db"
    try:
        make_folders(folder)
    except OSError as exc:
        raise file_problem(folder, exc) from None
    try:
        create_private(target_path)
        copy_standalone(source_path, target_path)
    except BaseException:
        with contextlib.suppress(OSError):  # no partial copy left to be taken for a backup
            target_path.unlink(missing_ok=True)
        raise
    reject_if_damaged(target_path)
    return target_path


def copy_standalone(source_path: Path, target_path: Path) -> None:
    """`copy_sqlite` into a backup that stands alone: switched out of WAL mode, so reading it
    (checking it, or a restore listing it) never leaves -wal and -shm files beside it."""
    copy_sqlite(source_path, target_path)
    try:
        conn = sqlite3.connect(target_path)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FileProblem(target_path, _sqlite_reason(exc)) from None


def check_sqlite_file(path: Path) -> list[str]:
    """What is wrong with a SQLite file, read only: SQLite's full integrity check, then its
    foreign key check (a lease pointing at a deleted tenant). Empty when it is sound."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"cannot be opened: {exc}"]
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        if found != ["ok"]:
            return [f"damaged: {problem}" for problem in found]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"not a SQLite database ({exc})"]
    finally:
        conn.close()
    if not broken:
        return []
    table, rowid, parent, _ = broken[0]
    return [f"{len(broken)} row(s) point at rows that are not there (first: {table} row "
            f"{rowid} points at a missing {parent} row)"]


class BackupRejected(FileProblem, OSError):
    """A copy that failed its check right after it was written: set aside, never a backup.
    Also an OSError, so whoever already reports a backup that could not be written (a full
    disk) reports this one the same way, and goes on (the GUI's day start does)."""


def reject_if_damaged(copy: Path, named: Path | None = None) -> None:
    """Check a copy just written; a failed one is renamed `<name>.failed` (out of the list
    of backups, kept for a look) and reported as a BackupRejected naming what is wrong.
    `named`: the name the copy was to take (it was written under a temporary one)."""
    problems = check_sqlite_file(copy)
    if not problems:
        return
    named = named or copy
    failed = named.with_name(f"{named.name}.failed")
    try:
        os.replace(copy, failed)
    except OSError:
        copy.unlink(missing_ok=True)
        failed = copy
    raise BackupRejected(named, f"the copy failed its check right after it was written "
                               f"({'; '.join(problems)}); it was not kept as a backup"
                               + (f" (set aside as {failed.name})" if failed != copy else ""))


def copy_sqlite(source_path: Path, target_path: Path) -> None:
    """The whole of one SQLite file into another with the online backup API: consistent even
    while others write, and all or nothing for the target (one transaction). The source is
    only read (opened as usual: a read-only connection to a file in WAL mode can fail).
    A file that cannot be read or written is a FileProblem naming it."""
    try:
        source = sqlite3.connect(source_path)
    except sqlite3.Error as exc:
        raise FileProblem(source_path, _sqlite_reason(exc)) from None
    try:
        try:
            target = sqlite3.connect(target_path)
        except sqlite3.Error as exc:
            raise FileProblem(target_path, _sqlite_reason(exc)) from None
        try:
            source.backup(target)
        except sqlite3.Error as exc:
            raise FileProblem(target_path, _sqlite_reason(exc)) from None
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_reason(exc: sqlite3.Error) -> str:
    text = str(exc) or type(exc).__name__
    if "unable to open" in text:  # the folder is missing or not writable, or is a file
        return f"cannot be written ({text})"
    return text


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def backup_by_reflection(engine: Engine, url: URL, label: str) -> Path:
    """Dump every table of a (non-SQLite) database to JSON before changing its schema.

    Reflection rather than our models: the database is at an older revision than the code.
    """
    folder = config.backups_dir(url)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    name = (url.database or "database").replace("/", "_")
    target = folder / f"{url.get_backend_name()}-{name}-{stamp}-{label}.json"
    meta = MetaData()
    with engine.connect() as conn:
        meta.reflect(conn)
        dump: dict[str, Any] = {}
        for table in meta.sorted_tables:
            rows = conn.execute(select(table)).mappings().all()
            dump[table.name] = [dict(r) for r in rows]
    return write_atomically(target, json.dumps(dump, default=_json_default, indent=1))


def record_app_version(connection: Connection) -> None:
    connection.execute(text("DELETE FROM coliv_meta WHERE key = 'app_version'"))
    connection.execute(
        text("INSERT INTO coliv_meta (key, value) VALUES ('app_version', :v)"), {"v": __version__}
    )


def upgrade(url: URL, *, to: str = "head", progress: Progress | None = None,
            create: bool = True) -> Path | None:
    """Bring the database at `url` to `to`, backing it up first when it already holds data.
    A SQLite file is created when missing only with `create`.

    Returns the backup's path when one was made.
    """
    engine = make_engine(url, migrating=True, create=create)
    backup: Path | None = None
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
            _check_known(conn, current)
            target = head_revision() if to == "head" else to
            if current == target:
                return None
            if current is not None:
                if progress:
                    progress("Backing up the database before upgrading it ...")
                label = f"before-{target}"
                backup = (
                    backup_sqlite(url, label)
                    if config.is_sqlite(url)
                    else backup_by_reflection(engine, url, label)
                )
        if progress:
            progress(f"Upgrading the database schema to {target} ...")
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            from alembic import command

            command.upgrade(cfg, to)
            if conn.dialect.name == "sqlite":
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseUnavailable(
                        f"Upgrade left {len(broken)} rows pointing at missing rows "
                        f"(first: {tuple(broken[0])}); nothing was changed."
                    )
            if inspect(conn).has_table("coliv_meta"):
                record_app_version(conn)
    finally:
        engine.dispose()
    return backup


def open_database(
    url: URL, *, migrate: bool = True, create: bool = False, progress: Progress | None = None,
    writer: str | None = None, read_only: bool = False,
) -> Database:
    """Connect (password from the keychain when needed) and make sure the schema is current.

    A SQLite file that does not exist is refused (FileProblem naming it) unless `create`:
    only `coliv init`, `coliv demo` and the app's New Database make a new book, never a typo
    in a path. A file this process cannot write (or in such a folder) opens read-only
    (`Database.read_only`); it is not upgraded. A database that cannot be reached or read is
    a DatabaseUnavailable naming it.

    `writer` (the program, `coliv rent run`): take the SQLite book's writer lock first, before
    any upgrade, and hold it in the Database until it is disposed; a BookInUse naming the
    holder when another process has it. `read_only`: open it read-only whatever the file
    allows (the app's choice when another process writes the book)."""
    target = config.with_stored_password(url)
    if target.warning:  # a notice about this machine, not about what was asked: to the log
        log.warning(target.warning)
    path = config.sqlite_path(target.url)
    lock: WriterLock | None = None
    if path is not None:
        read_only = _prepare_file(path, create) or read_only
        if writer is not None and not read_only:
            lock = writer_lock.acquire(path, writer)
    try:
        if read_only and path is not None:
            _check_read_only(target.url, path)
        elif migrate:
            if lock is None and path is not None and path.exists() and \
                    _revision(target.url) != head_revision():
                # A reading command upgrading the file writes it: while no one else does.
                with writer_lock.acquire(path, "CoLiv (upgrading the book)"):
                    upgrade(target.url, progress=progress, create=create)
            else:
                upgrade(target.url, progress=progress, create=create)
        else:
            engine = make_engine(target.url)
            try:
                with engine.connect() as conn:
                    _check_known(conn, current_revision(conn))
            finally:
                engine.dispose()
    except BaseException as exc:
        if lock is not None:
            lock.release()
        if isinstance(exc, DBAPIError):
            raise unavailable(target.url, exc) from None
        raise
    return Database(target.url, read_only=read_only and path is not None, writer_lock=lock)


def _revision(url: URL) -> str | None:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return current_revision(conn)
    finally:
        engine.dispose()


def unavailable(url: URL, exc: DBAPIError) -> DatabaseUnavailable:
    """A driver's refusal to connect or read (server down, login refused, not a database
    file), in one line naming the database."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None and str(exc.orig) \
        else type(exc.orig or exc).__name__
    return DatabaseUnavailable(f"cannot use the database {config.display_url(url)}: {reason}")


def _prepare_file(path: Path, create: bool) -> bool:
    """Check a SQLite file before opening it; True when it can only be read."""
    try:
        if path.is_dir():
            raise FileProblem(path, "is a folder, not a database file")
        if path.exists():
            return sqlite_read_only(path)
        if not create:
            raise FileProblem(path, NO_DATABASE_YET)
        make_folders(path.parent)
    except OSError as exc:
        raise file_problem(path, exc) from None
    return False


def _check_read_only(url: URL, path: Path | None) -> None:
    """A read-only file opens only when it is a CoLiv database at this CoLiv's schema (an
    upgrade would have to write)."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
            _check_known(conn, current)
    finally:
        engine.dispose()
    if current != head_revision():
        raise FileProblem(path, "cannot be written, and it must be upgraded to this CoLiv's "
                                "schema first: copy it to a folder you can write to and open "
                                "the copy")
