"""The `coliv` command-line contract, on both engines."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from coliv_desktop.__main__ import main
from coliv_desktop.db.engine import Database
from coliv_desktop.services import portability
from tests.builders import OWNER


class Cli:
    def __init__(self, url: URL, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url.render_as_string(hide_password=False)
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", self.url, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, err
        return out

    def new_id(self, *args: str) -> str:
        last_line = self.ok(*args).strip().splitlines()[-1]
        return str(uuid.UUID(last_line))


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def flow_41(cli: Cli) -> dict[str, str]:
    ids = {"property": cli.new_id(
        "property", "add", "--name", "Downtown Loft", "--address", "123 Main St", "--city",
        "Austin", "--state", "TX", "--zip", "78701", "--amenities", "gym,rooftop,coworking",
        "--house-rules", "No smoking")}
    ids["3A"] = cli.new_id("unit", "add", "--property", ids["property"], "--number", "3A",
                           "--bedrooms", "3", "--bathrooms", "2", "--sqft", "1200")
    ids["3B"] = cli.new_id("unit", "add", "--property", ids["property"], "--number", "3B",
                           "--bedrooms", "4", "--bathrooms", "2", "--sqft", "1500", "--floor", "3")
    for number in "ABC":
        cli.new_id("room", "add", "--unit", ids["3A"], "--number", number, "--rent", "700")
    for number, rent in [("A", "900"), ("B", "750"), ("C", "800"), ("D", "800")]:
        ids[f"3B-{number}"] = cli.new_id("room", "add", "--unit", ids["3B"], "--number", number,
                                         "--rent", rent, "--size-sqft", "130")
    return ids


def test_flow_41_through_the_cli(cli: Cli) -> None:
    cli.ok("init")
    ids = flow_41(cli)
    board = json.loads(cli.ok("dashboard", "--json"))
    assert set(board) == {"rooms_total", "rooms_occupied", "beds_total", "beds_occupied",
                          "occupancy_rate", "revenue_potential", "maintenance_open",
                          "maintenance_overdue", "properties"}
    assert (board["rooms_total"], board["rooms_occupied"]) == (7, 0)
    assert board["occupancy_rate"] == 0
    (prop,) = board["properties"]
    assert set(prop) == {"id", "name", "rooms_total", "rooms_occupied", "revenue_potential",
                         "units"}
    assert prop["id"] == ids["property"]
    unit = next(u for u in prop["units"] if u["number"] == "3B")
    rooms = unit.pop("rooms")
    assert unit == {"id": ids["3B"], "number": "3B", "rooms_total": 4, "rooms_occupied": 0,
                    "revenue_potential": "3250.00"}
    assert [(r["id"], r["number"]) for r in rooms] == [
        (ids[f"3B-{n}"], n) for n in "ABCD"]  # the room ids, for scripts


def test_leases_through_the_cli(cli: Cli) -> None:
    ids = flow_41(cli)
    sarah = cli.new_id("tenant", "add", "--first-name", "Sarah", "--last-name", "Thompson",
                       "--email", "sarah@email.com", "--phone", "555-0123")
    lease_id = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", sarah, "--start",
                          "2020-01-01", "--deposit", "900", "--force")
    board = json.loads(cli.ok("dashboard", "--json"))
    assert (board["rooms_occupied"], board["beds_occupied"]) == (1, 1)
    assert board["occupancy_rate"] == pytest.approx(14.3)
    code, _, err = cli.run("lease", "add", "--room", ids["3B-A"], "--tenant", sarah,
                           "--start", "2021-01-01", "--force")
    assert code != 0 and "no free bed" in err
    moved = cli.new_id("lease", "transfer", lease_id, "--room", ids["3B-B"], "--date",
                       "2020-06-01")
    code, _, err = cli.run("lease", "undo-transfer", lease_id)
    assert code != 0 and "did not come from a transfer" in err
    assert "is active again" in cli.ok("lease", "undo-transfer", moved)
    renewal = cli.ok("lease", "end", lease_id, "--date", "2020-12-31")
    assert "2020-12-31" in renewal


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["room", "add", "--unit", "{3B}", "--number", "E", "--rent", "-900"], "--rent"),
        (["room", "add", "--unit", str(uuid.UUID(int=1)), "--number", "E", "--rent", "9"],
         "--unit"),
        (["room", "add", "--unit", "{3B}", "--number", "A", "--rent", "900"], "--number"),
        (["lease", "add", "--room", "{3B-A}", "--tenant", "{tenant}", "--start", "2026-02-01",
          "--end", "2026-01-01"], "--end"),
        (["tenant", "add", "--first-name", "A", "--last-name", "B", "--email", "nope"],
         "--email"),
    ],
)
def test_bad_input_exits_non_zero_names_the_field_and_changes_nothing(
    cli: Cli, db_url: URL, args: list[str], field: str
) -> None:
    ids = flow_41(cli)
    ids["tenant"] = cli.new_id("tenant", "add", "--first-name", "T", "--last-name", "U",
                               "--email", "t@u.io")
    db = Database(db_url)
    before = portability.dumps(portability.export_data(db, OWNER))
    code, out, err = cli.run(*[a.format(**ids) for a in args])
    assert code != 0
    assert out == ""
    assert err.startswith(f"error: {field}:")
    assert portability.dumps(portability.export_data(db, OWNER)) == before
    db.dispose()


def test_malformed_url_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "mysql://x@y/z", "dashboard"]) == 2
    assert capsys.readouterr().err.startswith("error: --db: 'mysql://x@y/z': only sqlite")
    assert main(["--db", "postgresql:///", "dashboard"]) != 0
    assert "names no PostgreSQL host" in capsys.readouterr().err


def test_unreachable_server_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "postgresql://nobody@127.0.0.1:1/none", "dashboard"]) == 8
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: cannot use the database postgresql+psycopg://nobody@127.0.0.1:1")


def test_export_import_and_transfer(cli: Cli, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    cli.ok("demo")
    export = tmp_path / "all.json"
    cli.ok("export", str(export))
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["--db", copy_url, "import", str(export)]) == 6  # no such file: init first
    assert main(["--db", copy_url, "init"]) == 0
    assert main(["--db", copy_url, "import", str(export)]) == 0
    again = tmp_path / "again.json"
    assert main(["--db", copy_url, "export", str(again)]) == 0
    assert again.read_text() == export.read_text()
    out = cli.ok("transfer", "--to", f"sqlite:///{tmp_path / 'moved.db'}")
    assert "verified" in out
    code, _, err = cli.run("transfer", "--to", copy_url)
    assert code != 0 and "empty database" in err


def test_db_check_and_backup(cli: Cli, db_url: URL, tmp_path: Path) -> None:
    cli.ok("demo")
    report = json.loads(cli.ok("db", "check", "--json"))
    assert report["ok"] is True and len(report["checks"]) == 9  # 7 on the books, FKs, audit
    assert set(report["checks"][0]) == {"check", "ok", "problems"}
    backup = Path(cli.ok("db", "backup").strip().splitlines()[-1])
    assert backup.exists() and backup.parent.name == "backups"  # SQLite: a copy; PG: JSON
    db = Database(db_url)
    with db.write() as s:  # damage behind the services' back
        s.execute(text("UPDATE leases SET bed = 9 WHERE id = "
                       "(SELECT id FROM leases ORDER BY id LIMIT 1)"))
    db.dispose()
    code, out, _ = cli.run("db", "check")
    assert code == 1 and "FAIL Every lease holds a bed its room has" in out


def test_db_backups_and_restore(cli: Cli, db_url: URL) -> None:
    cli.ok("property", "add", "--name", "Kept", "--address", "1 A St", "--city", "Austin",
           "--state", "TX", "--zip", "78701")
    if db_url.get_backend_name() != "sqlite":  # a server restores its own backups
        assert json.loads(cli.ok("db", "backups", "--json")) == []
        code, _, err = cli.run("db", "restore", "x.db")
        assert code != 0 and "SQLite database files only" in err
        return
    copy = cli.ok("db", "backup").strip()
    cli.ok("property", "add", "--name", "Added later", "--address", "2 B St", "--city",
           "Austin", "--state", "TX", "--zip", "78701")
    listed = json.loads(cli.ok("db", "backups", "--json"))
    assert [(b["file"], b["kind"]) for b in listed] == [(copy, "manual")]
    assert set(listed[0]) == {"file", "taken_at", "kind", "bytes"}
    out = cli.ok("db", "restore", copy)
    assert "the database as it was is in" in out
    names = cli.ok("property", "list")
    assert "Kept" in names and "Added later" not in names
    kinds = [b["kind"] for b in json.loads(cli.ok("db", "backups", "--json"))]
    assert sorted(kinds) == ["before-restore", "manual"]
    assert "Restored from the backup" in cli.ok("audit", "--search", "restored")
    missing = Path(copy).with_name("missing.db")
    code, _, err = cli.run("db", "restore", str(missing))
    assert code == 2 and err == f"error: file: {missing} does not exist\n"  # the FILE given


def test_the_audit_log_from_the_command_line(cli: Cli) -> None:
    ids = flow_41(cli)
    entries = json.loads(cli.ok("audit", "--json", "--limit", "3"))
    assert len(entries) == 3 and set(entries[0]) == {
        "occurred_at", "actor", "action", "entity_type", "entity_id", "summary", "changes"}
    assert entries[0]["entity_type"] == "room"  # the last thing flow 4.1 did
    about = json.loads(cli.ok("audit", "--json", "--entity", ids["3B"]))
    assert [e["action"] for e in about] == ["create"]
    assert "Downtown Loft" in cli.ok("audit", "--search", "downtown")


def test_the_audit_log_filtered_and_exported_from_the_command_line(
        cli: Cli, tmp_path: Path) -> None:
    import csv

    flow_41(cli)
    units = json.loads(cli.ok("audit", "--json", "--about", "unit", "--limit", "100"))
    assert units and {e["entity_type"] for e in units} == {"unit"}
    nobody = json.loads(cli.ok("audit", "--json", "--by", "nobody at all"))
    assert nobody == []
    code, _, err = cli.run("audit", "--from", "2026-12-06", "--to", "2026-12-01")
    assert code == 2 and err.startswith("error: --to: must not be before the start date")
    code, _, err = cli.run("audit", "--out", str(tmp_path / "log.txt"))
    assert code == 2 and "--out" in err and ".csv" in err
    out = cli.ok("audit", "--about", "room", "--out", str(tmp_path / "log.csv"))
    with (tmp_path / "log.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert out == f"wrote {len(rows)} entries to {tmp_path / 'log.csv'}\n"
    assert rows and {r["what"] for r in rows} == {"room"}


def test_help_lists_the_commands() -> None:
    result = subprocess.run([sys.executable, "-m", "coliv_desktop", "--help"],
                            capture_output=True, text=True, check=True)
    assert "property" in result.stdout and "--db URL" in result.stdout


def test_env_variable_chooses_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("COLIV_DB_URL", f"sqlite:///{target}")
    assert main(["init"]) == 0
    assert target.exists()
    assert str(make_url(f"sqlite:///{target}").database) in capsys.readouterr().out
