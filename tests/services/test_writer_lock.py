"""One writer per SQLite file: the writer lock beside the book, held by the window while a book
is open and by a writing CLI command for its duration; reads go on meanwhile."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from coliv_desktop import config
from coliv_desktop.__main__ import main
from coliv_desktop.cli import READS, build_parser, command_parsers
from coliv_desktop.db import writer_lock
from coliv_desktop.domain.errors import BookInUse, ReadOnlyDatabase
from coliv_desktop.schemas.portfolio import PropertyCreate
from coliv_desktop.services import databases, portfolio

ADD_PROPERTY = ["property", "add", "--name", "Elm", "--address", "1 Elm St", "--city",
                "Austin", "--state", "TX", "--zip", "78701"]

# A child process that opens the book the way the window does and holds it until killed.
HOLDER = """
import sys, time
from sqlalchemy.engine import make_url
from coliv_desktop.services import databases
opened = databases.open_database(make_url(sys.argv[1]))
print("holding", flush=True)
time.sleep(600)
"""


def start_holder(url: URL) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, url.render_as_string(False)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "holding"
    return child


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> URL:
    """A migrated SQLite book (the lock is a file's: the PostgreSQL case is the last test)."""
    path = tmp_path / "coliv.db"
    shutil.copy(sqlite_template, path)
    return make_url(f"sqlite:///{path}")


@pytest.fixture
def holder(sqlite_url: URL) -> Iterator[subprocess.Popen[str]]:
    child = start_holder(sqlite_url)
    yield child
    child.kill()
    child.wait()


def cli(url: URL, *args: str) -> int:
    return main(["--db", url.render_as_string(hide_password=False), *args])


def test_a_second_writer_is_refused_naming_the_holder(
        sqlite_url: URL, holder: subprocess.Popen[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(sqlite_url, *ADD_PROPERTY)
    out, err = capsys.readouterr()
    assert code == 5
    assert out == ""
    assert f"process {holder.pid}" in err and "CoLiv Desktop" in err
    assert socket.gethostname() in err and " since " in err
    # The window's API: a typed error carrying the holder, and a read-only way in.
    with pytest.raises(BookInUse) as refused:
        databases.open_database(sqlite_url)
    assert refused.value.holder is not None and refused.value.holder.pid == holder.pid
    assert databases.writer_holder(sqlite_url) == refused.value.holder
    opened = databases.open_database(sqlite_url, read_only=True)
    try:
        assert opened.db.read_only and opened.actor.read_only
        assert portfolio.list_properties(opened.db, opened.actor) == []
        with pytest.raises(ReadOnlyDatabase):
            portfolio.add_property(opened.db, opened.actor, PropertyCreate(
                name="Elm", address="1 Elm St", city="Austin", state="TX", zip="78701"))
    finally:
        databases.close(opened.db)
    assert cli(sqlite_url, "property", "list") == 0  # nothing was written
    assert capsys.readouterr().out == ""


def test_reads_work_while_another_process_writes(
        sqlite_url: URL, holder: subprocess.Popen[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["dashboard", "--json"], ["report", "collection", "--month", "2026-01"],
                    ["report", "aging", "--json"], ["property", "list"], ["db", "check"],
                    ["audit"], ["lease", "list"]):
        assert cli(sqlite_url, *command) == 0, capsys.readouterr().err
    assert capsys.readouterr().err == ""


def test_a_holder_killed_leaves_no_stale_lock(
        sqlite_url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    child = start_holder(sqlite_url)
    path = config.sqlite_path(sqlite_url)
    assert path is not None and writer_lock.lock_path(path).exists()
    child.send_signal(signal.SIGKILL)
    child.wait()
    started = time.monotonic()
    assert cli(sqlite_url, *ADD_PROPERTY) == 0, capsys.readouterr().err
    assert time.monotonic() - started < 5  # at once: no waiting for a timeout
    assert databases.writer_holder(sqlite_url) is None


def test_the_window_holds_the_lock_while_the_book_is_open(
        sqlite_url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    opened = databases.open_database(sqlite_url)
    again = databases.open_database(sqlite_url)  # the same process: shared, counted
    databases.close(again.db)
    child = subprocess.run(
        [sys.executable, "-m", "coliv_desktop", "--db", sqlite_url.render_as_string(False),
         *ADD_PROPERTY], capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert child.returncode == 5 and f"process {os.getpid()}" in child.stderr
    databases.close(opened.db)
    path = config.sqlite_path(sqlite_url)
    assert path is not None and not writer_lock.lock_path(path).exists()  # only the book left
    child = subprocess.run(
        [sys.executable, "-m", "coliv_desktop", "--db", sqlite_url.render_as_string(False),
         *ADD_PROPERTY], capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert child.returncode == 0, child.stderr


def test_a_restore_is_refused_while_another_process_writes(
        sqlite_url: URL, holder: subprocess.Popen[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = config.sqlite_path(sqlite_url)
    assert path is not None
    before = path.read_bytes()
    copy = tmp_path / "copy.db"
    copy.write_bytes(before)
    assert cli(sqlite_url, "db", "restore", str(copy)) == 5
    assert "is being written by" in capsys.readouterr().err


def test_postgresql_books_take_no_lock(db_url: URL) -> None:
    """A server book has its own concurrency (row locks, versions): no lock; a SQLite book
    opened twice in one process shares its one lock."""
    first = databases.open_database(db_url)
    second = databases.open_database(db_url)
    try:
        if config.sqlite_path(db_url) is None:
            assert first.db.writer_lock is None and second.db.writer_lock is None
        else:
            assert first.db.writer_lock is second.db.writer_lock is not None
        assert databases.writer_holder(db_url) is None
    finally:
        databases.close(first.db)
        databases.close(second.db)


def test_the_read_commands_are_real_commands() -> None:
    known = set(command_parsers(build_parser()))
    assert set(READS) <= known
    assert ("rent", "run") in known and ("rent", "run") not in READS


LOCK_ONLY = """
import sys, time
from pathlib import Path
from coliv_desktop.db import writer_lock
writer_lock.acquire(Path(sys.argv[1]), "coliv import")
print("holding", flush=True)
time.sleep(600)
"""


def test_a_read_that_must_upgrade_the_book_waits_its_turn(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Upgrading the schema writes the file: a reading command that would do it takes the
    lock for it, and is refused while another process writes (a newer CoLiv beside an
    older one still running)."""
    from coliv_desktop.db.migrate import upgrade
    from coliv_desktop.db.revisions import head_revision, known_revisions

    path = tmp_path / "old.db"
    old = make_url(f"sqlite:///{path}")
    upgrade(old, to=str(known_revisions()[head_revision()]))
    child = subprocess.Popen([sys.executable, "-c", LOCK_ONLY, str(path)],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "holding"
        assert cli(old, "property", "list") == 5
        assert "is being written by coliv import" in capsys.readouterr().err
    finally:
        child.kill()
        child.wait()
    assert cli(old, "property", "list") == 0  # upgraded now, nobody else writing
    assert not writer_lock.lock_path(path).exists()
