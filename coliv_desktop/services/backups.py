"""Backups of a SQLite database: the daily automatic copy, the list, and restoring one.

A copy is taken with SQLite's online backup API (consistent even while the app writes), into
`backups/` beside the file, named `<file>-<UTC time>-<kind>.db`. Kinds: `auto` (the first time
the database is opened on a day; the newest `KEEP_AUTOMATIC` are kept), `manual` (Back Up Now),
`before-<revision>` (before a schema upgrade) and `before-restore` (the database as it was
before a restore). Only automatic copies are ever deleted, and only by a newer automatic one.

A server database (PostgreSQL) is backed up by its server; Back Up Now writes a JSON export
there, and Import from JSON reads one back.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from coliv_desktop import config
from coliv_desktop.db.engine import sqlite_read_only
from coliv_desktop.db.migrate import backup_sqlite, copy_sqlite, open_database
from coliv_desktop.db.revisions import head_revision, known_revisions
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.files import file_problem
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, local_actor, writing

KEEP_AUTOMATIC = 14
AUTOMATIC = "auto"
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


def daily_backup(url: URL, *, keep: int = KEEP_AUTOMATIC) -> Path | None:
    """The first opening of the day copies the file (before the day's rent run writes);
    automatic copies beyond the newest `keep` are deleted. None when today's copy exists,
    or for a server database, a file not created yet or one open read-only (its folder,
    where the backups go, cannot be written)."""
    path = config.sqlite_path(url)
    if path is None or not path.exists() or sqlite_read_only(path):
        return None
    day = date.today()  # the machine's day, like the copies' time stamps (not a pinned one)
    existing = [b for b in list_backups(url) if b.label == AUTOMATIC]
    if any(b.taken_at.astimezone().date() == day for b in existing):  # the operator's day
        return None
    made = backup_sqlite(url, AUTOMATIC)
    for old in [b for b in list_backups(url) if b.label == AUTOMATIC][keep:]:
        try:
            old.path.unlink(missing_ok=True)
        except OSError:  # kept one more day; the next opening tries again
            continue
    return made


def check_restorable(source: Path) -> str:
    """The schema revision of a file that can be restored; a ValidationError naming what is
    wrong otherwise (not a SQLite file, damaged, not a CoLiv database, or from a newer CoLiv).
    Read only: the file is opened read-only and left as it was."""
    try:
        if not source.is_file():
            raise ValidationError("backup", f"{source} does not exist")
        uri = f"{source.resolve().as_uri()}?mode=ro"
    except OSError as exc:  # a name too long for the system, say
        raise file_problem(source, exc) from None
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ValidationError("backup", f"{source.name} cannot be opened: {exc}") from exc
    try:
        checked = conn.execute("PRAGMA quick_check").fetchone()
        if not checked or checked[0] != "ok":
            raise ValidationError("backup", f"{source.name} is damaged: {checked[0]}")
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
