"""The command line as a careful operator and a script rely on it (issue 10, items 6, 7, 8,
12, 16): no silent new database, read-only books, every output path, --force, list commands,
exit codes and option names, one rent run at a time, what the keychain really did."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from sqlalchemy.engine import URL, make_url

from coliv_desktop import config
from coliv_desktop.__main__ import main
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import backups, history, portability, portfolio
from coliv_desktop.services.context import local_actor
from tests.builders import OWNER
from tests.cli.test_applications_cli import STORY_DAY, add_sarah, flow_42
from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    # The story's dates (Sarah moves in on 2025-12-01) are told as of late November 2025: a
    # move-in or lease start more than a year before today asks first (--force).
    monkeypatch.setenv("COLIV_TODAY", STORY_DAY)
    return Cli(db_url, capsys)


def book(url: URL | str) -> str:
    """The whole book as an export: what "changed nothing" is checked against."""
    db = Database(make_url(url) if isinstance(url, str) else url)
    try:
        return portability.dumps(portability.export_data(db, OWNER))
    finally:
        db.dispose()


def one_error_line(err: str) -> str:
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    return err.removeprefix("error: ").removesuffix("\n")


# --- item 6: no silent new book -----------------------------------------------------------------

def test_a_database_file_that_does_not_exist_is_refused_and_init_creates_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "no" / "such" / "dir" / "x.db"
    url = f"sqlite:///{path}"
    for command in (["dashboard"], ["property", "list"], ["db", "backup"],
                    ["import", str(tmp_path / "x.json")], ["rent", "run"]):
        assert main(["--db", url, *command]) == 6
        out, err = capsys.readouterr()
        assert out == ""
        assert one_error_line(err) == (
            f"{path}: no CoLiv database there yet; `coliv init` creates an empty one and "
            "`coliv demo` one with the demo portfolio (in the app: File > New Database)")
        assert not (tmp_path / "no").exists()  # not even the folders
    assert main(["--db", url, "db", "status"]) == 0  # says so, creates nothing
    assert "no database file there yet" in capsys.readouterr().out
    assert not (tmp_path / "no").exists()
    assert main(["--db", url, "init"]) == 0
    assert path.is_file()
    assert main(["--db", url, "dashboard", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["rooms_total"] == 0


def test_on_a_fresh_machine_a_reading_command_says_there_is_no_book_yet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard"]) == 6
    message = one_error_line(capsys.readouterr().err)
    assert str(config.default_db_path()) in message
    assert "`coliv init`" in message and "`coliv demo`" in message
    assert not config.data_dir().exists() or not config.default_db_path().exists()
    assert main(["demo"]) == 0  # demo creates the default book, with the demo portfolio
    capsys.readouterr()
    assert main(["room", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 23


def test_an_empty_db_option_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--db", "", "dashboard"], ["--db", " "]):  # a command, or the window
        assert main(argv) == 2
        assert one_error_line(capsys.readouterr().err).startswith("--db: is empty")
    assert not config.default_db_path().exists()


# --- item 6: a book in a folder that cannot be written ------------------------------------------

@pytest.fixture
def read_only_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[str, Path]]:
    """A book (flow 4.1 and a lease) in a folder made read-only as the OS would (chmod) and
    as this process sees it: tests run as root, whom chmod does not stop, so `os.access` is
    told the truth a clerk's account would get."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "books.db"
    url = f"sqlite:///{path}"
    assert main(["--db", url, "init"]) == 0
    ids = flow_41(Cli(make_url(url), capsys))
    tenant = Cli(make_url(url), capsys).new_id(
        "tenant", "add", "--first-name", "Ana", "--last-name", "Reader", "--email", "a@r.io")
    Cli(make_url(url), capsys).new_id("lease", "add", "--room", ids["3B-A"], "--tenant",
                                      tenant, "--start", "2025-12-01", "--force")
    capsys.readouterr()
    assert sorted(p.name for p in folder.iterdir()) == ["books.db"]
    with made_read_only(path, monkeypatch):
        yield url, path


@contextlib.contextmanager
def made_read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The database file and its folder read-only: chmod, and `os.access` saying so (tests
    run as root, whom chmod does not stop)."""
    folder = path.parent
    path.chmod(0o444)
    folder.chmod(0o555)
    real_access = os.access
    locked = {path, folder}

    def access(target: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(target).resolve() in locked:
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    try:
        yield
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def test_a_read_only_book_opens_for_reading_and_refuses_writes_in_one_sentence(
        read_only_book: tuple[str, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, path = read_only_book
    before = path.read_bytes()
    export = tmp_path / "elsewhere" / "copy.json"
    for command in (["dashboard", "--json"], ["room", "list", "--json"], ["lease", "list"],
                    ["report", "collection", "--month", "2025-12", "--json"],
                    ["audit", "--json"], ["db", "check"], ["export", str(export)]):
        assert main(["--db", url, *command]) == 0, capsys.readouterr().err
        assert capsys.readouterr().err == ""
    assert json.loads(export.read_text())["tables"]["leases"]
    assert "(read-only)" in Cli(make_url(url), capsys).ok("db", "status").splitlines()[0]
    refusal = (f"{path} is open read-only (its file or folder cannot be written), so nothing "
               "was changed")
    for command in (["property", "add", "--name", "New", "--address", "1 A St", "--city", "X",
                     "--state", "TX", "--zip", "1"],
                    ["rent", "run", "--through", "2025-12-31"],
                    ["tenant", "add", "--first-name", "B", "--last-name", "C", "--email",
                     "b@c.io"],
                    ["reminders", "print", "--out", str(tmp_path / "letters.pdf")],
                    ["import", str(export)]):
        assert main(["--db", url, *command]) == 5
        out, err = capsys.readouterr()
        assert out == "" and one_error_line(err) == refusal
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["books.db"]  # no backup, no WAL
    assert not (tmp_path / "letters.pdf").exists()


def test_a_read_only_book_in_the_services(read_only_book: tuple[str, Path]) -> None:
    """Opened read-only (SQLite's own read-only mode), the owner on file with reading rights
    only; the day's backup and the rent run on open (which asks `may`) do not write."""
    url, path = read_only_book
    db = open_database(make_url(url))
    try:
        assert db.read_only
        actor = local_actor(db)
        assert actor.read_only == str(path) and not actor.may("ledger.write")
        assert actor.may("read")
        assert backups.daily_backup(db.url) is None
        assert [p.name for p in path.parent.iterdir()] == ["books.db"]
        assert history.audit_entries(db, actor, "", limit=1)
    finally:
        db.dispose()


# --- item 7: every output path --------------------------------------------------------------------

@pytest.fixture
def unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder this process cannot write: chmod, and (tests run as root) the calls that
    create files and folders refused there as the OS would refuse a clerk."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    real_open, real_mkdir = os.open, os.mkdir

    def inside(target: Any) -> bool:
        return Path(os.fsdecode(target)).resolve().is_relative_to(folder)

    def guarded_open(target: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and inside(target):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        return real_open(target, flags, *args, **kwargs)

    def guarded_mkdir(target: Any, *args: Any, **kwargs: Any) -> None:
        if inside(target):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        real_mkdir(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)
    yield folder
    folder.chmod(0o755)


def _outputs(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-20")
    ids = flow_41(cli)
    tenant = cli.new_id("tenant", "add", "--first-name", "Out", "--last-name", "Put",
                        "--email", "o@p.io")
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", tenant, "--start",
                       "2025-12-01")
    cli.ok("rent", "run", "--through", "2025-12-31")
    payment = cli.new_id("payment", "add", "--lease", lease, "--amount", "100", "--date",
                         "2025-12-02", "--method", "cash")
    return {
        "receipt.pdf": ["receipt", payment, "--out"],
        "lease.pdf": ["lease-pdf", lease, "--out"],
        "statement.pdf": ["statement", lease, "--from", "2025-12-01", "--to", "2025-12-31",
                          "--out"],
        "statement.csv": ["statement", lease, "--from", "2025-12-01", "--to", "2025-12-31",
                          "--out"],
        "collection.csv": ["report", "collection", "--month", "2025-12", "--out"],
        "aging.pdf": ["report", "aging", "--out"],
        "roll.csv": ["report", "rent-roll", "--out"],
        "income.pdf": ["report", "income", "--out"],
        "export.json": ["export"],
    }


@pytest.mark.parametrize("kind", ["folder that cannot be written", "a file, not a folder"])
def test_every_output_into_a_place_that_cannot_be_written_is_one_line_exit_6_and_no_file(
        cli: Cli, db_url: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str,
        request: pytest.FixtureRequest) -> None:
    commands = _outputs(cli, monkeypatch)
    if kind == "a file, not a folder":
        folder = tmp_path / "notes.txt"
        folder.write_text("a file where a folder was expected")
        reason = "not a directory"
    else:
        folder = request.getfixturevalue("unwritable")
        reason = "permission denied"
    before = book(db_url)
    for name, command in commands.items():
        target = folder / name
        code, out, err = cli.run(*command, str(target))
        assert (code, out) == (6, ""), (name, err)
        assert one_error_line(err).startswith(f"{target}: {reason}"), err
        assert not target.exists()
    assert book(db_url) == before
    if kind == "a file, not a folder":
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
            "notes.txt"]
    else:
        assert list(folder.iterdir()) == []  # no partial or temporary file


def test_a_settlement_whose_letter_cannot_be_written_is_not_recorded(
        cli: Cli, db_url: URL, tmp_path: Path) -> None:
    flow = flow_41(cli)
    tenant = cli.new_id("tenant", "add", "--first-name", "Ana", "--last-name", "T", "--email",
                        "ana@t.io")
    lease = cli.new_id("lease", "add", "--room", flow["3B-A"], "--tenant", tenant, "--start",
                       "2025-12-01", "--end", "2025-12-31", "--deposit", "700")
    cli.ok("rent", "run", "--through", "2025-12-31")
    cli.ok("lease", "end", lease, "--date", "2025-12-31")
    (tmp_path / "notes.txt").write_text("a file")
    target = tmp_path / "notes.txt" / "letter.pdf"
    before = book(db_url)
    code, out, err = cli.run("deposit", "settle", lease, "--deduct", "Cleaning=60", "--date",
                             "2026-01-02", "--out", str(target))
    assert (code, out) == (6, "")
    assert one_error_line(err).startswith(f"{target}: not a directory")
    assert book(db_url) == before  # no settlement without its letter
    out = cli.ok("deposit", "settle", lease, "--deduct", "Cleaning=60", "--date", "2026-01-02",
                 "--out", str(tmp_path / "letter.pdf"))
    assert "deductions 60.00" in out and (tmp_path / "letter.pdf").exists()


def test_backups_into_a_place_that_cannot_be_written(
        cli: Cli, db_url: URL, tmp_path: Path) -> None:
    """`db backup` writes beside the file (SQLite) or under the data folder (a server)."""
    cli.ok("property", "add", "--name", "Kept", "--address", "1 A St", "--city", "Austin",
           "--state", "TX", "--zip", "78701")
    blocked = config.backups_dir(db_url)
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the backups folder goes")
    before = book(db_url)
    code, out, err = cli.run("db", "backup")
    assert (code, out) == (6, "")
    assert str(blocked) in one_error_line(err) and "not a directory" in err
    assert blocked.read_text() == "a file where the backups folder goes"
    assert book(db_url) == before


# --- item 8: the CLI asks as much as the GUI ----------------------------------------------------

def _audit(db_url: URL, entity_id: str) -> list[dict[str, Any]]:
    db = Database(db_url)
    try:
        return [r.changes for r in history.audit_entries(db, OWNER, "", entity_id=entity_id,
                                                         limit=20)]
    finally:
        db.dispose()


def test_approving_a_dealbreaker_room_needs_force_and_the_audit_keeps_why(
        cli: Cli, db_url: URL, tmp_path: Path) -> None:
    ids = flow_42(cli, tmp_path)
    sarah = add_sarah(cli, tmp_path)  # allergic to pets; Lisa in unit 2A has two cats
    before = book(db_url)
    code, out, err = cli.run("application", "approve", sarah, "--room", ids["2A-B"])
    assert (code, out) == (2, "")
    assert one_error_line(err) == (
        "--room: room 2A-B is a dealbreaker match (pet allergy: Lisa has pets); approve Sarah "
        "Thompson there anyway? (add --force to go ahead)")
    assert book(db_url) == before
    lease_id = cli.new_id("application", "approve", sarah, "--room", ids["2A-B"], "--force")
    (approval,) = [c for c in _audit(db_url, sarah) if "forced" in c]
    assert approval["forced"] == ["room 2A-B is a dealbreaker match (pet allergy: Lisa has "
                                  "pets)"]
    assert approval["lease_id"] == lease_id


def test_approving_a_good_match_needs_no_force(cli: Cli, tmp_path: Path, db_url: URL) -> None:
    ids = flow_42(cli, tmp_path)
    sarah = add_sarah(cli, tmp_path)
    cli.new_id("application", "approve", sarah, "--room", ids["3B-A"])
    assert not any("forced" in c for c in _audit(db_url, sarah))


def test_a_lease_in_a_room_under_maintenance_needs_force(cli: Cli, db_url: URL) -> None:
    ids = flow_41(cli)
    tenant = cli.new_id("tenant", "add", "--first-name", "Max", "--last-name", "M", "--email",
                        "max@m.io")
    db = Database(db_url)
    portfolio.update_room(db, local_actor(db), uuid.UUID(ids["3B-C"]),
                          build(RoomUpdate, status="maintenance"))
    db.dispose()
    before = book(db_url)
    args = ["lease", "add", "--room", ids["3B-C"], "--tenant", tenant, "--start", "2025-12-01"]
    code, out, err = cli.run(*args)
    assert (code, out) == (2, "")
    assert one_error_line(err) == ("--room: room 3B-C is under maintenance; let it anyway? "
                                   "(add --force to go ahead)")
    assert book(db_url) == before
    lease_id = cli.new_id(*args, "--force")
    (created,) = _audit(db_url, lease_id)
    assert created["forced"] == ["room 3B-C is under maintenance"]


# --- item 12: the CLI finds what it made ----------------------------------------------------------

def test_list_commands_give_every_id_as_json(cli: Cli) -> None:
    ids = flow_41(cli)
    sarah = cli.new_id("tenant", "add", "--first-name", "Sarah", "--last-name", "Thompson",
                       "--email", "sarah@example.com")
    cli.new_id("tenant", "add", "--first-name", "Mike", "--last-name", "Chen", "--email",
               "mike@example.com")
    cli.ok("lease", "add", "--room", ids["3B-A"], "--tenant", sarah, "--start", "2020-01-01",
           "--force")

    (prop,) = json.loads(cli.ok("property", "list", "--json"))
    assert (prop["id"], prop["name"], prop["amenities"]) == (
        ids["property"], "Downtown Loft", ["gym", "rooftop", "coworking"])
    assert f"{ids['property']}  Downtown Loft, 123 Main St, Austin" in cli.ok("property", "list")

    units = json.loads(cli.ok("unit", "list", "--property", ids["property"], "--json"))
    assert [(u["id"], u["number"], u["property"]) for u in units] == [
        (ids["3A"], "3A", "Downtown Loft"), (ids["3B"], "3B", "Downtown Loft")]
    assert units[1]["bedrooms"] == 4 and units[1]["bathrooms"] == "2.0"

    rooms = json.loads(cli.ok("room", "list", "--unit", ids["3B"], "--json"))
    assert [(r["id"], r["number"], r["rent"]) for r in rooms] == [
        (ids["3B-A"], "A", "900.00"), (ids["3B-B"], "B", "750.00"),
        (ids["3B-C"], "C", "800.00"), (ids["3B-D"], "D", "800.00")]
    assert rooms[0]["tenants"] == ["Sarah Thompson"] and rooms[0]["tenant_ids"] == [sarah]
    vacant = json.loads(cli.ok("room", "list", "--unit", ids["3B"], "--vacant", "--json"))
    assert [r["number"] for r in vacant] == ["B", "C", "D"]
    assert len(json.loads(cli.ok("room", "list", "--json"))) == 7
    assert f"{ids['3B-A']}  Downtown Loft 3B-A  900.00" in cli.ok("room", "list")

    found = json.loads(cli.ok("tenant", "list", "--search", "thomp", "--json"))
    assert [(t["id"], t["email"]) for t in found] == [(sarah, "sarah@example.com")]
    assert f"{sarah}  Sarah Thompson <sarah@example.com>" in cli.ok("tenant", "list")

    for command in (["unit", "list", "--property"], ["room", "list", "--unit"]):
        code, out, err = cli.run(*command, str(uuid.UUID(int=7)))
        assert (code, out) == (3, "") and "not found" in one_error_line(err)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["room", "add", "--unit", "{3B}", "--number", "E", "--rent", "-900"],
      "--rent: must not be negative"),
     (["unit", "add", "--property", "{property}", "--number", "9", "--bedrooms", "-1",
       "--bathrooms", "1"], "--bedrooms: "),
     (["unit", "add", "--property", "{property}", "--number", "9", "--bedrooms", "x",
       "--bathrooms", "1"], "--bedrooms: invalid int value: 'x'"),
     (["lease", "add", "--room", "{3B-A}", "--tenant", "{tenant}", "--start", "2026-13-01"],
      "--start: '2026-13-01' is not a date (use YYYY-MM-DD)"),
     (["lease", "add", "--room", "{3B-A}", "--tenant", "{tenant}", "--start", "2026-02-01",
       "--rent", "-1"], "--rent: must not be negative"),
     (["room", "add", "--unit", "{3B}", "--number", "E"],
      "the following arguments are required: --rent")],
)
def test_errors_name_the_option_that_was_typed(cli: Cli, db_url: URL, args: list[str],
                                               message: str) -> None:
    ids = flow_41(cli)
    ids["tenant"] = cli.new_id("tenant", "add", "--first-name", "T", "--last-name", "U",
                               "--email", "t@u.io")
    before = book(db_url)
    code, out, err = cli.run(*[a.format(**ids) for a in args])
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert line.startswith(message), line
    assert book(db_url) == before


def test_one_exit_code_per_kind_of_error(cli: Cli, db_url: URL, tmp_path: Path) -> None:
    ids = flow_41(cli)
    tenant = cli.new_id("tenant", "add", "--first-name", "T", "--last-name", "U", "--email",
                        "t@u.io")
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", tenant, "--start",
                       "2025-12-01")
    unknown = str(uuid.UUID(int=99))
    before = book(db_url)
    cases = [
        (2, ["payment", "add", "--lease", lease, "--amount", "abc", "--method", "cash"]),
        (2, ["lease", "end", "not-an-id", "--date", "2026-01-01"]),
        (3, ["lease", "end", unknown, "--date", "2026-01-01"]),
        (3, ["payment", "add", "--lease", unknown, "--amount", "5", "--method", "cash"]),
        (3, ["lease", "add", "--room", unknown, "--tenant", tenant, "--start", "2026-01-01"]),
        (3, ["ledger", unknown]),
        (4, ["lease", "add", "--room", ids["3B-A"], "--tenant", tenant, "--start",
             "2026-01-01"]),
        (6, ["import", str(tmp_path / "missing.json")]),
        (6, ["export", str(tmp_path)]),  # a folder, not a file name
    ]
    for code, args in cases:
        got, out, err = cli.run(*args)
        assert (got, out) == (code, ""), (args, err)
        one_error_line(err)
    assert book(db_url) == before


def test_exit_5_for_a_role_that_may_not(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.services import context

    viewer = context.Actor(None, None, "Vic", "viewer")
    monkeypatch.setattr(context, "local_actor", lambda db: viewer)
    code, out, err = cli.run("property", "add", "--name", "N", "--address", "A", "--city",
                             "C", "--state", "S", "--zip", "1")
    assert (code, out) == (5, "")
    assert one_error_line(err).startswith("Vic (viewer) may not do this")


def test_exit_7_for_a_database_from_a_newer_coliv(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "future.db"
    assert main(["--db", f"sqlite:///{path}", "init"]) == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    capsys.readouterr()
    assert main(["--db", f"sqlite:///{path}", "dashboard"]) == 7
    assert "schema revision f00d" in one_error_line(capsys.readouterr().err)


def test_exit_8_for_a_database_that_cannot_be_used(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "postgresql://nobody@127.0.0.1:1/none", "dashboard"]) == 8
    assert one_error_line(capsys.readouterr().err).startswith(
        "cannot use the database postgresql+psycopg://nobody@127.0.0.1:1/none: ")
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["--db", f"sqlite:///{junk}", "dashboard"]) == 8
    assert "file is not a database" in one_error_line(capsys.readouterr().err)


def test_an_unexpected_failure_is_one_line_exit_1_and_the_details_go_to_the_log(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.services import portfolio as service

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "list_properties", broken)
    code, out, err = cli.run("property", "list")
    assert (code, out) == (1, "")
    assert one_error_line(err) == (f"unexpected RuntimeError: a bug (the details are in "
                                   f"{config.log_file()})")
    assert "Traceback" in config.log_file().read_text()


# --- item 16: two desks, one rent run; what the keychain really did -----------------------------

SLOW_RUN = textwrap.dedent("""
    import sys, time
    from coliv_desktop.services import rent_run
    posting = rent_run._late_fees
    def slowly(*args, **kwargs):  # hold the transaction open after posting the rent
        time.sleep(1.5)
        return posting(*args, **kwargs)
    rent_run._late_fees = slowly
    from coliv_desktop.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")


def test_two_rent_runs_at_once_the_second_waits_and_posts_nothing(
        cli: Cli, db_url: URL, tmp_path: Path) -> None:
    """Two processes, each holding its transaction 1.5 s after posting: without one run at a
    time the second collides with the first's rows (a unique-constraint error, exit 4). On a
    SQLite file the second is normally refused at once instead (one writer per file, exit 5
    naming the first), unless the first was done before it started."""
    cli.ok("demo")
    argv = [sys.executable, "-c", SLOW_RUN, "--db", cli.url, "rent", "run", "--through",
            "2027-03-31", "--json"]
    env = {**os.environ, "COLIV_TODAY": "2027-03-31"}
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env) for _ in range(2)]
    results = [(run.wait(timeout=180), *run.communicate()) for run in runs]
    refused = [err for code, _, err in results if code == 5]
    assert db_url.get_backend_name() == "sqlite" or not refused
    assert all("is being written by coliv rent run" in err for err in refused)
    done = [(code, err) for code, _, err in results if code != 5]
    assert done == [(0, "")] * len(done)
    posted = sorted(json.loads(out)["charges_created"] for code, out, _ in results if code == 0)
    assert posted[-1] > 0 and posted[:-1] in ([], [0])
    again = json.loads(cli.ok("rent", "run", "--through", "2027-03-31", "--json"))
    assert again["charges_created"] == 0
    report = json.loads(cli.ok("db", "check", "--json"))
    assert report["ok"] is True


def test_set_password_says_what_really_happened(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    url = "postgresql://clerk@office/coliv"

    class Refusing(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def delete_password(self, service: str, username: str) -> None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError("the keychain is locked")

    for backend, says in [(fail.Keyring(), "there is none on this machine"),
                          (null.Keyring(), "there is none on this machine"),
                          (Refusing(), "refused the password (PasswordSetError: the keychain "
                                       "is locked)")]:
        keyring.set_keyring(backend)
        monkeypatch.setattr(sys, "stdin", io.StringIO("hunter2\n"))
        assert main(["db", "set-password", url, "--password-stdin"]) == 6
        out, err = capsys.readouterr()
        assert out == ""
        line = one_error_line(err)
        assert line.startswith(f"the OS keychain: {says}") and "not saved" in line


def test_a_missing_keychain_is_a_notice_for_the_log_not_for_stderr(
        db_url: URL, capsys: pytest.CaptureFixture[str]) -> None:
    if db_url.get_backend_name() == "sqlite":  # a file needs no password
        assert main(["--db", str(db_url), "dashboard"]) == 0
        assert capsys.readouterr().err == ""
        return
    keyring.set_keyring(fail.Keyring())
    for command in (["dashboard"], ["db", "status"]):
        assert main(["--db", db_url.render_as_string(hide_password=False), *command]) == 0
        assert capsys.readouterr().err == ""
    assert "No OS keychain is available" in config.log_file().read_text()


def test_a_postgresql_login_that_may_only_read_gets_one_sentence(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The server's own read-only access (a login granted SELECT only): reading works, a
    change is refused in one sentence with exit 5, not a driver's traceback."""
    from sqlalchemy import create_engine, text

    from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url

    url = create_pg_database(f"coliv_reader_{uuid.uuid4().hex[:8]}")
    admin = create_engine(pg_admin_url().set(database=url.database),
                          isolation_level="AUTOCOMMIT")
    role = f"reader_{uuid.uuid4().hex[:8]}"
    try:
        owner = url.render_as_string(hide_password=False)
        assert main(["--db", owner, "init"]) == 0
        flow_41(Cli(url, capsys))
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
        reader = url.set(username=role, password=None).render_as_string(hide_password=False)
        before = book(url)
        capsys.readouterr()
        assert main(["--db", reader, "room", "list", "--json"]) == 0
        assert len(json.loads(capsys.readouterr().out)) == 7
        assert main(["--db", reader, "property", "add", "--name", "N", "--address", "A",
                     "--city", "C", "--state", "S", "--zip", "1"]) == 5
        out, err = capsys.readouterr()
        assert out == "" and one_error_line(err) == (
            f"the database server lets {role} read {config.display_url(make_url(reader))} "
            "but not change it, so nothing was changed")
        assert book(url) == before
    finally:
        admin.dispose()
        drop_pg_database(url)
        cleanup = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        with cleanup.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        cleanup.dispose()
