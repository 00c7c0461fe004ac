"""Opening, creating, backing up, restoring and closing a database: the UI's one door to `db`.

The desktop window never imports a `db` module (`ui -> services -> db`); it opens a database
through here and names its type as `services.databases.Database`. Every call here may wait on
the disk, a server or another process's write lock: the UI makes them from a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from coliv_desktop.db import migrate, writer_lock
from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import BookInUse, WriterInfo
from coliv_desktop.domain.money import MoneyFormat, format_money
from coliv_desktop.services.connection import (
    SSL_MODES,
    ConnectionCheck,
    ConnectionLost,
    Problem,
    check_connection,
    ping,
)
from coliv_desktop.services.context import Actor

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from coliv_desktop.services.backups import Restored

__all__ = ["SSL_MODES", "BackedUp", "BookInUse", "ConnectionCheck", "ConnectionLost",
           "Credentials", "Database", "OpenedDatabase", "Problem", "Progress", "WriterInfo",
           "back_up", "back_up_on_close", "check_connection", "check_restore", "close",
           "create_database", "open_database", "open_demo", "ping", "restore", "writer_holder"]

Progress = Callable[[str], None]
DESKTOP_WRITER = "CoLiv Desktop"


@dataclass(frozen=True)
class Credentials:
    """Who signs in at this desk, once the book has passwords (`services.users.sign_in`)."""

    name: str
    password: str
    totp: str | None = None

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"Credentials(name={self.name!r})"


class OpenedDatabase:
    """An open database with what the window needs to switch to it: the acting user and the
    book's display settings."""

    def __init__(self, db: Database, actor: Actor, currency: str, locale: str,
                 money_format: MoneyFormat | None = None) -> None:
        self.db = db
        self.actor = actor
        self.currency = currency
        self.locale = locale
        self.money_format = money_format or MoneyFormat(locale=locale, currency=currency)


def open_database(url: URL, progress: Progress | None = None, *,
                  create: bool = False, read_only: bool = False,
                  credentials: Credentials | None = None) -> OpenedDatabase:
    """Open, migrate (`progress` hears each step) and read the operator's display settings.
    A SQLite file that does not exist is created only with `create` (New Database, the
    welcome screen's choices), never for a typo in a path.

    One writer per SQLite file: the window holds the book's writer lock while the book is
    open (released by `close`). When another process holds it this raises `BookInUse`, whose
    `holder` names it (`holder.describe()`: program, user, machine, process, since when);
    the window may then offer `open_database(url, read_only=True)`, which takes no lock and
    refuses every write (`ReadOnlyDatabase`). `writer_holder(url)` says who holds it now.

    Once the book has passwords, opening without `credentials` raises `SignInRequired`; with
    them, the person signs in (refusals raise `SignInRefused` subclasses: wrong password,
    locked until when, disabled, authenticator code needed) and acts as themselves."""
    from coliv_desktop.services.context import local_actor
    from coliv_desktop.services.settings import get_settings, money_format_of

    db = migrate.open_database(url, progress=progress, create=create, read_only=read_only,
                               writer=None if read_only else DESKTOP_WRITER)
    try:
        if credentials is not None:
            from coliv_desktop.services.users import sign_in

            actor = sign_in(db, credentials.name, credentials.password, credentials.totp)
        else:  # refused with SignInRequired once the book has passwords
            actor = local_actor(db)
        values = get_settings(db, actor)
    except BaseException:
        db.dispose()
        raise
    currency, locale = str(values["currency"]), str(values["locale"])
    # Load the locale's number formats here, in the caller's worker: the first amount a pane
    # formats would otherwise pay for it while painting.
    format_money(Decimal(0), currency, locale)
    return OpenedDatabase(db, actor, currency, locale, money_format_of(values))


def create_database(url: URL, progress: Progress | None = None) -> OpenedDatabase:
    """Open `url`, creating its SQLite file (New Database, an empty portfolio)."""
    return open_database(url, progress, create=True)


def open_demo(url: URL, progress: Progress | None = None) -> OpenedDatabase:
    """Open the demo file, loading the demo portfolio into it the first time."""
    from coliv_desktop.services import demo, portfolio

    opened = open_database(url, progress, create=True)
    try:
        if not portfolio.list_properties(opened.db, opened.actor, include_archived=True):
            demo.load_demo(opened.db, opened.actor)
    except BaseException:
        opened.db.dispose()
        raise
    return opened


def writer_holder(url: URL) -> WriterInfo | None:
    """Who holds the writer lock of the SQLite book at `url` (another process), or None:
    nobody, this process, or a server database (PostgreSQL has its own concurrency)."""
    from coliv_desktop import config

    path = config.sqlite_path(url)
    return writer_lock.holder(path) if path is not None else None


@dataclass(frozen=True)
class BackedUp:
    path: Path
    # A server database is backed up as a full JSON export: its rows per table. None for a
    # SQLite file, which is copied whole.
    rows: dict[str, int] | None = None


def back_up(db: Database, actor: Actor) -> BackedUp | None:
    """Back Up Now: a SQLite file is copied into its backups folder with the online backup
    API (it waits for another process's write transaction, up to the busy timeout); a server
    database is exported, every table, into the backups folder under the data folder. Either
    is checked right after it is written (`services.backups`). None when the database has no
    file to copy."""
    actor.require("read")  # a copy beside the book, in its own backups folder
    if not db.is_sqlite:
        from coliv_desktop.services import backups

        made = backups.server_backup(db, actor)
        return BackedUp(made.path, made.rows)
    path = migrate.backup_sqlite(db.url, "manual")
    return BackedUp(path) if path is not None else None


def back_up_on_close(db: Database, actor: Actor) -> Path | None:
    """For the window to call (in a worker) as it closes a book: a checked `close` copy of a
    SQLite file changed since its newest backup (`services.backups.backup_on_close`)."""
    from coliv_desktop.services import backups

    return backups.backup_on_close(db, actor)  # checked there


def check_restore(url: URL, source: Path) -> str:
    """Whether the backup `source` can be restored into the file at `url`; its revision."""
    from coliv_desktop.services import backups

    return backups.check_restore(url, source)


def restore(url: URL, source: Path, actor: Actor) -> Restored:
    """Put the backup `source` in place of the file at `url` (`services.backups.restore`)."""
    from coliv_desktop.services import backups

    return backups.restore(url, source, actor)


def close(db: Database) -> None:
    """Close every pooled connection of a database no longer shown."""
    db.dispose()
