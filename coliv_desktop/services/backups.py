"""Backups of a SQLite database: the daily automatic copy, the list, and restoring one.

A copy is taken with SQLite's online backup API (consistent even while the app writes), into
`backups/` beside the file, named `<file>-<UTC time>-<kind>.db`, readable by the user only.
Kinds: `auto` (the first time the database is opened on a day), `close` (when the app
closes it: `backup_on_close`), `manual` (Back Up Now), `before-<revision>` (before a schema
upgrade) and `before-restore` (the database as it was before a restore). Each copy is checked
right after it is written (integrity and foreign keys); one that fails is set aside as
`.failed` and reported, never listed as a backup. Only automatic copies (`auto`, `close`) are
ever deleted, after each day's copy, by the retention the settings declare (7 daily, 4 weekly,
12 monthly by default).

A server database (PostgreSQL) is backed up by its server; Back Up Now writes a JSON export
there, and Import from JSON reads one back.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from coliv_desktop import config
from coliv_desktop.db.engine import Database, sqlite_read_only
from coliv_desktop.db.migrate import (
    BackupRejected,
    backup_sqlite,
    check_sqlite_file,
    copy_sqlite,
    copy_standalone,
    open_database,
    reject_if_damaged,
)
from coliv_desktop.db.revisions import head_revision, known_revisions
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.domain.retention import Retention, to_keep
from coliv_desktop.files import create_private, file_problem, make_folders
from coliv_desktop.services import audit, scope
from coliv_desktop.services.context import Actor, local_actor, writing

AUTOMATIC = "auto"
ON_CLOSE = "close"
ROTATED = (AUTOMATIC, ON_CLOSE)  # the only copies retention ever deletes
BEFORE_RESTORE = "before-restore"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d{6})?)-(?P<label>[\w.-]+)\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC, from the file's name
    label: str  # auto, manual, before-<revision>, before-restore
    size: int  # bytes

    @property
    def kind(self) -> str:
        """The label in words, for lists."""
        if self.label == AUTOMATIC:
            return "automatic (daily)"
        if self.label == ON_CLOSE:
            return "on closing"
        if self.label == "manual":
            return "Back Up Now"
        if self.label == BEFORE_RESTORE:
            return "before a restore"
        if self.label.startswith("before-"):
            return f"before upgrade to schema {self.label.removeprefix('before-')}"
        return self.label


def _database_file(url: URL) -> Path:
    path = config.sqlite_path(url)
    if path is None:
        raise ValidationError("backup", "backups to restore are kept for SQLite database "
                                        "files only; a server database is restored by its "
                                        "server (or from a JSON export with Import from JSON "
                                        "into an empty database)")
    return path


def _parse(path: Path, stem: str) -> Backup | None:
    found = _NAME.match(path.name)
    if found is None or found["stem"] != stem:
        return None
    stamp = found["stamp"]
    pattern = "%Y%m%d-%H%M%S-%f" if stamp.count("-") == 2 else "%Y%m%d-%H%M%S"
    taken = datetime.strptime(stamp, pattern).replace(tzinfo=UTC)
    return Backup(path, taken, found["label"], path.stat().st_size)


def list_backups(url: URL) -> list[Backup]:
    """The backups of this database file, newest first (none for a server database)."""
    path = config.sqlite_path(url)
    if path is None:
        return []
    folder = config.backups_dir(url)
    if not folder.is_dir():
        return []
    found = [b for b in (_parse(p, path.stem) for p in folder.glob(f"{path.stem}-*.db")) if b]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def retention_of(url: URL) -> Retention:
    """The retention the book's settings declare (the defaults when they cannot be read)."""
    from coliv_desktop.services.settings import read_settings

    # Read by the backup itself, for whoever is signed in: no actor's permission applies.
    db = Database(url, read_only=True)
    try:
        with db.read() as s:
            values = read_settings(s)
        return Retention(int(values["backup_keep_daily"]), int(values["backup_keep_weekly"]),
                         int(values["backup_keep_monthly"]))
    except Exception:  # a backup must not fail for want of its settings
        return Retention()
    finally:
        db.dispose()


def apply_retention(url: URL, rule: Retention) -> list[Path]:
    """Delete the automatic copies (daily and on-close) the rule does not keep; the deleted.
    A copy that cannot be deleted stays until the next day's copy tries again."""
    rotated = [b for b in list_backups(url) if b.label in ROTATED]
    keep = to_keep([b.taken_at.astimezone() for b in rotated], rule)  # the operator's days
    deleted = []
    for index, old in enumerate(rotated):
        if index in keep:
            continue
        try:
            old.path.unlink(missing_ok=True)
        except OSError:
            continue
        deleted.append(old.path)
    return deleted


def daily_backup(url: URL, *, retention: Retention | None = None) -> Path | None:
    """The first opening of the day copies the file (before the day's rent run writes), the
    copy is checked (a BackupRejected when it fails), then the retention (by default the
    book's settings) is applied to the automatic copies. None when today's copy exists, or
    for a server database, a file not created yet or one open read-only (its folder, where
    the backups go, cannot be written)."""
    path = config.sqlite_path(url)
    if path is None or not path.exists() or sqlite_read_only(path):
        return None
    day = date.today()  # the machine's day, like the copies' time stamps (not a pinned one)
    existing = [b for b in list_backups(url) if b.label == AUTOMATIC]
    if any(b.taken_at.astimezone().date() == day for b in existing):  # the operator's day
        return None
    made = backup_sqlite(url, AUTOMATIC)
    apply_retention(url, retention or retention_of(url))
    return made


def backup_on_close(db: Database, actor: Actor) -> Path | None:
    """For the app to call as it closes a SQLite book it wrote: a checked copy labelled
    `close`, rotated with the daily copies. None for a server database (its server backs it
    up), a read-only file, or when nothing was written since the newest backup. A failed
    check raises BackupRejected (also an OSError)."""
    actor.require("read")
    if not db.is_sqlite or db.read_only:
        return None
    path = config.sqlite_path(db.url)
    if path is None or not path.exists():
        return None
    changed = max(p.stat().st_mtime for p in (path, path.with_name(f"{path.name}-wal"))
                  if p.exists())
    newest = list_backups(db.url)
    if newest and newest[0].path.stat().st_mtime >= changed:
        return None  # nothing written since the last copy: no second identical one
    return backup_sqlite(db.url, ON_CLOSE)


@dataclass(frozen=True)
class BackupTo:
    path: Path
    rows: dict[str, int] | None  # a server database's export: rows per table


def backup_to(db: Database, actor: Actor, target: Path) -> BackupTo:
    """`coliv db backup --to FILE`: a SQLite book copied with the online backup API, a server
    one exported (every table, JSON). Written beside the target first and checked (SQLite:
    integrity and foreign keys; JSON: read back, every table's rows counted) before it takes
    the name: a copy that fails is never left under it. The file is readable by the user only."""
    actor.require("read")
    scope.require_unlimited(actor, "a copy of the whole book")
    target = target.expanduser()
    if target.is_dir():
        raise FileProblem(target, "is a folder; give the backup's file name")
    try:
        make_folders(target.parent)
    except OSError as exc:
        raise file_problem(target.parent, exc) from None
    if not db.is_sqlite:
        return _export_to(db, actor, target)
    source = config.sqlite_path(db.url)
    if source is None:
        raise ValidationError("db_url", "an in-memory database has no file to back up")
    if target.resolve() == source:
        raise ValidationError("to", "that is the database itself")
    part = target.with_name(f".{target.name}.part")
    part.unlink(missing_ok=True)
    try:
        create_private(part)
        copy_standalone(source, part)
        reject_if_damaged(part, target)
        os.replace(part, target)
    except BackupRejected:
        raise
    except OSError as exc:
        raise file_problem(target, exc) from None
    finally:
        part.unlink(missing_ok=True)
    return BackupTo(target, None)


def server_backup(db: Database, actor: Actor) -> BackupTo:
    """Back Up Now on a server database: every table exported into the backups folder under
    the data folder (named by engine, database and time), checked by reading it back."""
    url = db.url
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = (url.database or "database").replace("/", "_")
    target = config.backups_dir(url) / f"{url.get_backend_name()}-{name}-{stamp}-manual.json"
    return backup_to(db, actor, target)


def _export_to(db: Database, actor: Actor, target: Path) -> BackupTo:
    import json

    from coliv_desktop.services import portability

    counts = portability.export_file(db, actor, target)  # atomic, 0600 (files.write_atomically)
    try:
        document = json.loads(target.read_text(encoding="utf-8"))
        found = {name: len(rows) for name, rows in document["tables"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        found = {"unreadable": -1}
        reason = f"it cannot be read back ({exc})"
    else:
        reason = "tables or rows differ from what was exported"
    if found != counts:
        failed = target.with_name(f"{target.name}.failed")
        os.replace(target, failed)
        raise FileProblem(target, f"the export failed its check right after it was written "
                                  f"({reason}); set aside as {failed.name}")
    return BackupTo(target, counts)


def check_restorable(source: Path) -> str:
    """The schema revision of a file that can be restored; a ValidationError naming what is
    wrong otherwise (not a SQLite file, damaged, rows pointing at rows that are not there,
    not a CoLiv database, or from a newer CoLiv).
    Read only: the file is opened read-only and left as it was."""
    try:
        if not source.is_file():
            raise ValidationError("backup", f"{source} does not exist")
        uri = f"{source.resolve().as_uri()}?mode=ro"
    except OSError as exc:  # a name too long for the system, say
        raise file_problem(source, exc) from None
    problems = check_sqlite_file(source)
    if problems:
        raise ValidationError("backup", f"{source.name} cannot be restored: "
                                        f"{'; '.join(problems)}. Nothing was changed; choose "
                                        "another backup")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ValidationError("backup", f"{source.name} cannot be opened: {exc}") from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise ValidationError("backup", f"{source.name} is not a CoLiv database")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ValidationError("backup", f"{source.name} is not a SQLite database "
                                        f"({exc})") from exc
    finally:
        conn.close()
    revision = str(row[0]) if row else ""
    if revision not in known_revisions():
        raise ValidationError("backup", f"{source.name} has schema revision {revision or '?'}, "
                                        f"which this CoLiv (schema {head_revision()}) does not "
                                        f"know: it was written by a newer CoLiv")
    return revision


def check_restore(url: URL, source: Path) -> str:
    """Whether `source` can be restored into the database at `url` (see `check_restorable`);
    its schema revision. Nothing is written."""
    target = _database_file(url)
    try:
        same = source.expanduser().resolve() == target
    except OSError as exc:
        raise file_problem(source, exc) from None
    if same:
        raise ValidationError("backup", "that is the database itself, not a backup of it")
    return check_restorable(source)


@dataclass(frozen=True)
class Restored:
    source: Path
    safety_copy: Path  # the database as it was just before the restore
    revision: str  # the backup's schema revision (upgraded to the current one on opening)


def restore(url: URL, source: Path, actor: Actor) -> Restored:
    """Put a backup in place of the database file at `url`.

    The caller closes its own connections first. The current file is copied to a
    `before-restore` backup, so a restore can itself be undone by restoring that copy; the
    backup is then copied in with the online backup API (all or nothing: SQLite writes it in
    one transaction), the result opened (and upgraded if the backup is older) and the restore
    recorded in its audit log."""
    actor.require("data.admin")
    revision = check_restore(url, source)
    source, target = source.expanduser().resolve(), _database_file(url)
    safety = backup_sqlite(url, BEFORE_RESTORE)
    if safety is None:
        raise FileProblem(target, "does not exist: there is nothing to restore into")
    copy_sqlite(source, target)
    db = open_database(url)
    try:
        restorer = local_actor(db, signed_in=True)  # a restored book may have passwords
        with writing(db, restorer, "data.admin") as s:
            audit.record(s, restorer, "restore", "database", None,
                         f"Restored from the backup {source.name} (taken as schema "
                         f"{revision}); the database as it was is in {safety.name}",
                         {"backup": str(source), "before_restore": str(safety)})
    finally:
        db.dispose()
    return Restored(source, safety, revision)
