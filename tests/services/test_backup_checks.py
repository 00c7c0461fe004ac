"""Backups you can rely on: each copy checked when written, retention by the settings,
`--to FILE`, restore refusing a damaged backup, and files readable by their user only."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from coliv_desktop import config
from coliv_desktop.__main__ import main
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import BackupRejected, backup_sqlite, open_database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.retention import Retention, to_keep
from coliv_desktop.services import backups, databases, integrity, portability, settings
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import OWNER, fresh_lease, tenant

POSIX = os.name != "nt"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def url(tmp_path: Path) -> URL:
    target = make_url(f"sqlite:///{tmp_path / 'book' / 'books.db'}")
    open_database(target, create=True).dispose()
    return target


def _with_an_orphan_lease(path: Path) -> None:
    """What a hand edit with foreign keys off leaves: a lease whose tenant was deleted."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM tenants WHERE id = (SELECT tenant_id FROM leases LIMIT 1)")
    conn.close()


def _lease_in(url: URL) -> None:
    db = open_database(url)
    try:
        fresh_lease(db, local_actor(db))
    finally:
        db.dispose()


def test_retention_keeps_7_days_4_weeks_12_months() -> None:
    start = datetime(2026, 12, 5, 9, 0)
    taken = [start - timedelta(days=n) for n in range(500)]  # a copy a day, 500 days back
    kept = sorted((taken[i] for i in to_keep(taken, Retention())), reverse=True)
    assert kept[:7] == taken[:7]  # the last seven days
    weeks = {t.isocalendar()[:2] for t in kept}
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 12 and kept[-1] == datetime(2026, 1, 31, 9, 0)  # newest of Jan.
    assert len(weeks) <= 7 + 4 + 12 and len(kept) <= 7 + 4 + 12
    assert to_keep(taken, Retention(1, 0, 0)) == {0}


def test_the_daily_copy_applies_the_books_retention_settings(url: URL) -> None:
    db = open_database(url)
    try:
        settings.set_settings(db, local_actor(db), {"backup_keep_daily": 2,
                                                    "backup_keep_weekly": 1,
                                                    "backup_keep_monthly": 0})
    finally:
        db.dispose()
    assert backups.retention_of(url) == Retention(2, 1, 0)
    manual = backup_sqlite(url, "manual")
    assert manual is not None
    for days_ago in range(1, 30):
        stamp = (datetime.now() - timedelta(days=days_ago)).astimezone()
        name = f"books-{stamp.astimezone().strftime('%Y%m%d-%H%M%S-%f')}-auto.db"
        (manual.parent / name).write_bytes(manual.read_bytes())
    made = backups.daily_backup(url)
    assert made is not None
    automatic = [b for b in backups.list_backups(url) if b.label == "auto"]
    # today and yesterday; the newest of this week is today's, so no more than these two
    assert [b.path for b in automatic][0] == made and len(automatic) == 2
    assert manual.exists()


def test_a_copy_that_fails_its_check_is_reported_and_not_kept(url: URL) -> None:
    _lease_in(url)
    _with_an_orphan_lease(Path(str(url.database)))
    with pytest.raises(BackupRejected, match="point at rows that are not there") as caught:
        backup_sqlite(url, "manual")
    assert "leases" in str(caught.value)
    assert not [b for b in backups.list_backups(url)]  # nothing listed as a backup
    assert list(config.backups_dir(url).glob("*.failed"))  # set aside for a look
    with pytest.raises(BackupRejected):
        backups.daily_backup(url)


def test_restore_refuses_a_backup_whose_lease_points_at_a_deleted_tenant(
        url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    _lease_in(url)
    copy = backup_sqlite(url, "manual")
    assert copy is not None
    _with_an_orphan_lease(copy)
    db = open_database(url)
    owner = local_actor(db)
    db.dispose()
    with pytest.raises(ValidationError, match="leases row .* missing tenants row"):
        backups.restore(url, copy, owner)
    code = main(["--db", str(url), "db", "restore", str(copy)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be restored" in err and "Traceback" not in err
    assert not [b for b in backups.list_backups(url) if b.label == "before-restore"]


def test_db_check_runs_the_foreign_key_check(url: URL,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _lease_in(url)
    assert main(["--db", str(url), "db", "check"]) == 0
    capsys.readouterr()
    _with_an_orphan_lease(Path(str(url.database)))
    db = Database(url)
    try:
        failing = {r.name: r.problems for r in integrity.verify_books(db, OWNER) if not r.ok}
    finally:
        db.dispose()
    assert failing == {"Every reference points at a row that exists (foreign keys)":
                       ["1 leases row(s) point at a missing tenants row (tenant_id)"]}
    assert main(["--db", str(url), "db", "check", "--json"]) == 1
    assert not json.loads(capsys.readouterr().out)["ok"]


def test_backup_to_a_file(db: Database, actor: Actor, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    fresh_lease(db, actor)
    target = tmp_path / "new folder" / ("book.db" if db.is_sqlite else "book.json")
    made = backups.backup_to(db, actor, target)
    assert made.path == target and target.is_file()
    assert not list(target.parent.glob(".*part*"))
    if POSIX:
        assert mode(target) == 0o600 and mode(target.parent) == 0o700
    if db.is_sqlite:
        with sqlite3.connect(target) as conn:
            assert conn.execute("SELECT count(*) FROM leases").fetchone()[0] == 1
        conn.close()
    else:
        assert made.rows and made.rows["leases"] == 1
        assert json.loads(target.read_text())["tables"]["leases"]
    again = tmp_path / ("cli.db" if db.is_sqlite else "cli.json")
    assert main(["--db", db.url.render_as_string(hide_password=False), "db", "backup",
                 "--to", str(again)]) == 0
    assert capsys.readouterr().out.strip() == str(again) and again.is_file()


def test_backup_on_close(db: Database, actor: Actor) -> None:
    made = backups.backup_on_close(db, actor)
    if not db.is_sqlite:
        assert made is None  # the server backs itself up
        return
    assert made is not None
    listed = backups.list_backups(db.url)
    assert [b.kind for b in listed] == ["on closing"] and listed[0].path == made
    assert databases.back_up_on_close(db, actor) is None  # nothing written since
    os.utime(made, (made.stat().st_atime, made.stat().st_mtime - 60))
    tenant(db, actor, "Later")
    again = databases.back_up_on_close(db, actor)
    assert again is not None and again != made


@pytest.mark.skipif(not POSIX, reason="Windows: the user's profile protects the files")
def test_the_book_its_backups_exports_and_logs_are_private(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'fresh' / 'books.db'}")
    db = open_database(url, create=True)
    try:
        actor = local_actor(db)
        fresh_lease(db, actor)
        export = tmp_path / "exports" / "all.json"
        portability.export_file(db, actor, export)
    finally:
        db.dispose()
    book = Path(str(url.database))
    assert mode(book) == 0o600 and mode(book.parent) == 0o700
    for extra in book.parent.glob("books.db-*"):  # -wal, -shm: as the book
        assert mode(extra) == 0o600, extra
    assert mode(export) == 0o600 and mode(export.parent) == 0o700
    copy = backup_sqlite(url, "manual")
    assert copy is not None and mode(copy) == 0o600 and mode(copy.parent) == 0o700
    assert main(["--db", str(url), "db", "restore", str(tmp_path / "nothing.db")]) != 0
    capsys.readouterr()
    log = config.log_file()
    if log.exists():
        assert mode(log) == 0o600 and mode(log.parent) == 0o700
