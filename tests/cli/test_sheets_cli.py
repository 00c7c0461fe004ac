"""`coliv import-sheet` and `coliv export-sheet` (issue 15): the contract, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from coliv_desktop.domain import tabular
from coliv_desktop.services import portability
from tests.builders import OWNER
from tests.cli.test_cli import Cli
from tests.services import sheet_story

PROBLEM_KEYS = {"row", "column", "problem", "value"}


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("COLIV_TODAY", sheet_story.TODAY)
    return Cli(db_url, capsys)


def book(db_url: URL) -> dict[str, object]:
    db = Database(db_url)
    try:
        return portability.export_data(db, OWNER)
    finally:
        db.dispose()


def test_the_story_through_the_command_line(cli: Cli, db_url: URL, tmp_path: Path) -> None:
    files = sheet_story.write_story(tmp_path)
    out = cli.ok("import-sheet", "--kind", "rooms", str(files["rooms"]), "--dry-run")
    assert out.splitlines() == ["would import 40 rooms rows from rooms.csv",
                                "created: 3 properties, 6 units, 40 rooms",
                                "matched: nothing"]
    report = json.loads(cli.ok("import-sheet", "--kind", "rooms", str(files["rooms"]),
                               "--json"))
    assert report["written"] is True and report["problems"] == []
    assert report["created"] == {"properties": 3, "units": 6, "rooms": 40}
    cli.ok("import-sheet", "--kind", "tenants", str(files["tenants"]))
    cli.ok("import-sheet", "--kind", "leases", str(files["leases"]))
    cli.ok("rent", "run", "--through", sheet_story.TODAY)
    before = book(db_url)
    code, out, err = cli.run("import-sheet", "--kind", "payments", str(files["payments"]))
    assert code == 2 and out == ""
    assert err.startswith("error: --date-order:") and "mdy" in err
    assert book(db_url) == before
    out = cli.ok("import-sheet", "--kind", "payments", str(files["payments"]),
                 "--date-order", "mdy", "--save-mapping", "Our payments")
    assert f"created: {len(sheet_story.payments())} payments" in out
    # the saved mapping carries the date order: the same file again is all matched
    again = json.loads(cli.ok("import-sheet", "--kind", "payments", str(files["payments"]),
                              "--mapping", "Our payments", "--json"))
    assert again["matched"] == {"payments": len(sheet_story.payments())}
    assert again["date_order"] == "mdy"
    # out again, as the import reads it
    for suffix in (".csv", ".xlsx"):
        target = tmp_path / f"payments{suffix}"
        out = cli.ok("export-sheet", "--kind", "payments", str(target))
        assert out.strip() == f"exported {len(sheet_story.payments())} payments rows to {target}"
        sheet = tabular.read_file(target)
        assert sheet.rows[0][1][:7] == ["Tenant email", "Tenant", "Property", "Unit", "Room",
                                        "Date", "Amount"]


def test_problems_are_listed_and_nothing_is_written(cli: Cli, db_url: URL,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "rooms.csv"
    path.write_text("Property;Address;City;State;ZIP;Unit;Room;Rent\n"
                    "Maple;1 Main St;Austin;TX;78701;1;A;1.200,50\n"
                    "Maple;;;;;1;B;abc\n"
                    "Maple;;;;;1;C;-3\n", encoding="cp1252")
    cli.ok("tenant", "list")  # the book's owner, made on first use
    before = book(db_url)
    code, out, err = cli.run("import-sheet", "--kind", "rooms", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith('row 3, Rent: "abc" is not an amount')
    assert lines[1] == "row 4, Rent: must not be negative (the cell: '-3')"
    assert lines[-1] == "error: 2 problem(s) in rooms.csv; nothing was imported"
    code, out, err = cli.run("import-sheet", "--kind", "rooms", str(path), "--json")
    assert code == 2
    report = json.loads(out)
    assert [set(p) for p in report["problems"]] == [PROBLEM_KEYS, PROBLEM_KEYS]
    assert [(p["row"], p["column"], p["value"]) for p in report["problems"]] == [
        (3, "Rent", "abc"), (4, "Rent", "-3")]
    assert report["written"] is False
    assert book(db_url) == before


def test_options_and_mapping_files(cli: Cli, db_url: URL, tmp_path: Path) -> None:
    path = tmp_path / "people.txt"
    path.write_bytes("Prénom\tNom\tCourriel\nÉlodie\tMüller\telodie@example.com\n"
                     .encode("cp1252"))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"columns": {"first_name": "Prénom", "last_name": "Nom",
                                               "email": "Courriel"}}))
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(path))
    assert code == 2 and err.startswith("error: columns: no column for First name")
    out = cli.ok("import-sheet", "--kind", "tenants", str(path), "--mapping", str(mapping),
                 "--delimiter", "tab", "--encoding", "cp1252")
    assert "created: 1 tenants" in out
    cli.ok("export-sheet", "--kind", "tenants", str(tmp_path / "t.csv"))
    tenants = tabular.read_file(tmp_path / "t.csv")
    assert tenants.rows[1][1][:3] == ["Élodie", "Müller", "elodie@example.com"]
    mapping.write_text("{not json")
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(path), "--mapping",
                           str(mapping))
    assert code == 2 and err.startswith("error: --mapping: map.json is not JSON")
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(tmp_path / "none.csv"))
    assert code == 6
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(path), "--mapping",
                           "No such saved mapping")
    assert code == 2 and "no saved tenants mapping" in err
    code, _, err = cli.run("import-sheet", "--kind", "villas", str(path))
    assert code == 2
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(tmp_path))
    assert code == 6 and err.endswith("is a folder, not a file\n")
    program = tmp_path / "program.csv"
    program.write_bytes(bytes(range(256)) * 20)
    code, _, err = cli.run("import-sheet", "--kind", "tenants", str(program))
    assert code == 2 and err.startswith("error: FILE: is not a text (CSV) file")
    code, _, err = cli.run("export-sheet", "--kind", "tenants", str(tmp_path / "t.xls"))
    assert code == 2 and "end the name in .csv or .xlsx" in err
    assert not (tmp_path / "t.xls").exists()


def test_the_dry_run_and_the_export_only_read() -> None:
    from coliv_desktop.cli import build_parser, writes

    parser = build_parser()
    assert not writes(parser.parse_args(["export-sheet", "--kind", "rooms", "x.csv"]))
    assert not writes(parser.parse_args(["import-sheet", "--kind", "rooms", "x.csv",
                                         "--dry-run"]))
    assert writes(parser.parse_args(["import-sheet", "--kind", "rooms", "x.csv"]))
