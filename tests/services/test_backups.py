"""Backups of a SQLite file: the daily copy and its rotation, the list, restoring one."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from coliv_desktop.db.migrate import backup_sqlite, open_database
from coliv_desktop.domain.errors import ColivError, PermissionDeniedError, ValidationError
from coliv_desktop.domain.retention import Retention
from coliv_desktop.services import backups, history, tenants
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import OWNER, tenant


@pytest.fixture
def url(tmp_path: Path) -> URL:
    target = make_url(f"sqlite:///{tmp_path / 'books.db'}")
    open_database(target, create=True).dispose()
    return target


def _names(url: URL) -> set[str]:
    db = open_database(url)
    try:
        return {f"{t.first_name} {t.last_name}" for t in tenants.search_tenants(db, OWNER)}
    finally:
        db.dispose()


def _add(url: URL, first: str) -> None:
    db = open_database(url)
    try:
        tenant(db, local_actor(db), first)
    finally:
        db.dispose()


def test_the_first_opening_of_a_day_takes_one_copy_and_old_ones_rotate(url: URL) -> None:
    manual = backup_sqlite(url, "manual")
    assert manual is not None
    folder = manual.parent
    for days_ago in range(1, 6):  # automatic copies left by the five days before
        stamp = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y%m%d-%H%M%S-%f")
        shutil.copy(manual, folder / f"books-{stamp}-auto.db")
    shutil.copy(manual, folder / "other-20260101-120000-000000-auto.db")  # another file's

    three = Retention(daily=3, weekly=0, monthly=0)
    made = backups.daily_backup(url, retention=three)
    assert made is not None and made.exists()
    assert backups.daily_backup(url, retention=three) is None  # once a day

    listed = backups.list_backups(url)
    automatic = [b for b in listed if b.label == "auto"]
    assert [b.path for b in automatic][0] == made
    assert len(automatic) == 3  # today's and the two days before; older automatic ones went
    assert (datetime.now(UTC) - automatic[-1].taken_at).days == 2
    assert any(b.path == manual for b in listed)  # other kinds are never deleted
    assert (folder / "other-20260101-120000-000000-auto.db").exists()  # nor other files'
    assert [b.taken_at for b in listed] == sorted((b.taken_at for b in listed), reverse=True)
    assert {b.kind for b in listed} == {"automatic (daily)", "Back Up Now"}
    with sqlite3.connect(made) as conn:  # a real, complete copy
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


def test_restore_puts_the_backup_in_place_and_keeps_what_was_there(url: URL) -> None:
    _add(url, "Before")
    copy = backup_sqlite(url, "manual")
    assert copy is not None
    _add(url, "After")
    db = open_database(url)
    owner = local_actor(db)
    db.dispose()

    restored = backups.restore(url, copy, owner)

    assert _names(url) == {"Before Tester"}
    assert restored.safety_copy.exists() and restored.revision
    db = open_database(url)
    try:
        entries = history.audit_entries(db, OWNER, search="Restored")
        assert entries and copy.name in entries[0].summary
    finally:
        db.dispose()
    # The restore itself can be taken back: restore the copy made just before it.
    backups.restore(url, restored.safety_copy, owner)
    assert _names(url) == {"Before Tester", "After Tester"}
    labels = [b.label for b in backups.list_backups(url)]
    assert labels.count("before-restore") == 2 and labels.count("manual") == 1


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(url: URL,
                                                                  tmp_path: Path) -> None:
    _add(url, "Kept")
    db = open_database(url)
    owner = local_actor(db)
    db.dispose()
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database")
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE things (id integer)")
    newer = backup_sqlite(url, "manual")
    assert newer is not None
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    cases = {tmp_path / "missing.db": "does not exist", text_file: "not a SQLite database",
             foreign: "not a CoLiv database", newer: "newer CoLiv",
             Path(str(url.database)): "the database itself"}
    for source, message in cases.items():
        with pytest.raises(ValidationError, match=message) as caught:
            backups.restore(url, source, owner)
        assert caught.value.field == "backup"
    assert _names(url) == {"Kept Tester"}
    assert not [b for b in backups.list_backups(url) if b.label == "before-restore"]
    viewer = Actor(owner.user_id, owner.operator_id, "Val", role="viewer")
    with pytest.raises(PermissionDeniedError):
        backups.restore(url, newer, viewer)


def test_a_server_database_has_no_file_backups() -> None:
    server = make_url("postgresql://postgres@127.0.0.1:5432/test")
    assert backups.list_backups(server) == []
    assert backups.daily_backup(server) is None
    owner = Actor(None, None, "Owner")
    with pytest.raises(ColivError, match="SQLite database files only"):
        backups.restore(server, Path("x.db"), owner)
