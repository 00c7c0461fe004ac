"""Engines and sessions, with the per-connection settings each database needs.

SQLite: every connection runs with foreign keys on, WAL and `synchronous=FULL`; write
transactions start with BEGIN IMMEDIATE so a check-then-write (a bed's free dates) holds the
write lock from the check on. A file is opened for what the caller means: an existing one
("rw": a missing file is an error, never a new empty book), a new one ("rwc", `coliv init`),
or read-only ("ro", a file or folder this process cannot write).

PostgreSQL: services lock the rows they check, and constraints
(the lease exclusion constraint) catch what slips through; rows written are stamped with the
server's clock (`_stamp_with_server_clock`), so desks whose clocks disagree still agree on
what was written after what.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, inspect, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from coliv_desktop import config
from coliv_desktop.db import crypto
from coliv_desktop.db.writer_lock import WriterLock
from coliv_desktop.files import create_private


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_connect_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA busy_timeout=10000")


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("coliv_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def sqlite_read_only(path: Path) -> bool:
    """Whether this process cannot write the database file or its folder (WAL mode writes
    its -wal and -shm files beside the database, so both must be writable)."""
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def sqlite_uri(path: Path, mode: str) -> str:
    """The `file:` URI SQLite opens `path` with: mode "rw" (it must exist), "rwc" (create
    it) or "ro". Read-only in a folder that cannot be written and where no other connection
    keeps the WAL index (-shm): `immutable`, since SQLite could not create that index to
    read; nobody can be writing such a file then."""
    query = f"mode={mode}"
    if mode == "ro" and not os.access(path.parent, os.W_OK) and \
            not path.with_name(f"{path.name}-shm").exists():
        query += "&immutable=1"
    return f"{path.as_uri()}?{query}"


def make_engine(url: URL, *, migrating: bool = False, create: bool = False,
                read_only: bool = False) -> Engine:
    """An engine for `url`. `migrating` turns SQLite foreign keys off (batch rebuilds need it).
    A SQLite file must exist unless `create`; `read_only` opens it without any write."""
    if config.is_sqlite(url):
        path = config.sqlite_path(url)
        if path is None:  # in memory
            engine = create_engine(url, connect_args={"timeout": 10})
        else:
            if create and not read_only:  # the new book readable by its user only
                with contextlib.suppress(OSError):  # SQLite names what is wrong on opening
                    create_private(path)
            uri = sqlite_uri(path, "ro" if read_only else "rwc" if create else "rw")
            engine = create_engine(url, creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=10, check_same_thread=False))

        def connect(dbapi_connection: Any, record: Any) -> None:
            if read_only:
                _sqlite_connect_read_only(dbapi_connection, record)
                return
            _sqlite_connect(dbapi_connection, record)
            if migrating:
                dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        event.listen(engine, "connect", connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


# Stamps the server sets on PostgreSQL (when the code has not set them itself, as an import
# does): the times every desk compares, e.g. "was a lease written after these scores?".
_CREATED = ("created_at", "occurred_at")


def _stamp_with_server_clock(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush on a shared server: new rows' created/occurred times and changed rows'
    `updated_at` from the server's clock (read once per transaction), not the desk's, which
    may run minutes behind another desk's."""
    new = list(session.new)
    changed = [row for row in session.dirty
               if hasattr(row, "updated_at") and session.is_modified(row)]
    if not new and not changed:
        return
    now = server_now(session)
    for row in new:
        for name in (*_CREATED, "updated_at"):
            if hasattr(row, name) and getattr(row, name) is None:
                setattr(row, name, now)
    for row in changed:
        if not _set_by_code(row, "updated_at"):
            row.updated_at = now


def server_now(session: Session) -> Any:
    """The server's time, read once per transaction (a rent run flushes many times)."""
    transaction = session.get_transaction()
    cached = session.info.get("server_now")
    if cached is not None and cached[0] is transaction:
        return cached[1]
    now = session.execute(select(func.clock_timestamp())).scalar_one().astimezone(UTC)
    session.info["server_now"] = (transaction, now)
    return now


def _set_by_code(row: Any, name: str) -> bool:
    return bool(inspect(row).attrs[name].history.added)


class Database:
    """One open database: its engine and the two kinds of session the services use.

    `read_only`: opened without write access (a file in a folder this process cannot
    write, or one another process writes); `services.context.writing` refuses every write
    with one sentence. `writer_lock`: this SQLite book's writer lock (`db.writer_lock`),
    held until `dispose()`."""

    def __init__(self, url: URL, engine: Engine | None = None, *,
                 read_only: bool = False, writer_lock: WriterLock | None = None) -> None:
        self.url = url
        self.read_only = read_only
        self.writer_lock = writer_lock
        self.engine = engine or make_engine(url, read_only=read_only)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(coliv_write=True), expire_on_commit=False
        )
        if self.engine.dialect.name == "postgresql":
            event.listen(self._writer, "before_flush", _stamp_with_server_clock)
        # The book's key for its encrypted columns (db.crypto): column types see only the
        # dialect, which is this engine's own; the book id is read on the first transaction.
        # A flush writing a protected value makes the book's key first, in one place for
        # every writer (a tenant edit, the demo, an approval).
        self.keys = crypto.BookKeys()
        self.engine.dialect.coliv_book_keys = self.keys  # type: ignore[attr-defined]
        for maker in (self._reader, self._writer):
            event.listen(maker, "after_begin", self._load_keys)
        event.listen(self._writer, "before_flush", self._key_before_flush)

    def _load_keys(self, _session: Session, _transaction: Any, connection: Any) -> None:
        if not self.keys.loaded:
            self.keys.load(connection)

    def _key_before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        if not self.keys.ready and crypto.needs_key(session):
            crypto.ensure_key(session.connection(), self.keys)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._lost_connection(), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._lost_connection(), self._reader() as session, session.begin():
            yield session

    @contextmanager
    def _lost_connection(self) -> Iterator[None]:
        """A PostgreSQL server that stopped answering (or now refuses us) is one sentence,
        `ConnectionLost` (a DatabaseUnavailable, exit 8), for every service: not a driver's
        traceback. Anything else passes through as it was."""
        try:
            yield
        except DBAPIError as exc:
            from coliv_desktop.db.reachability import lost

            gone = lost(self.url, exc)
            if gone is None:
                raise
            raise gone from exc

    def dispose(self) -> None:
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()
            self.writer_lock = None

    def __repr__(self) -> str:
        return f"Database({config.display_url(self.url)})"
