"""`coliv bank ...`: the command-line contract of bank statements (issue 15), on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from tests.cli.test_cli import Cli, flow_41
from tests.services.test_bank import seed_categories

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"
LINE_KEYS = {"id", "date", "amount", "name", "memo", "status", "proposals"}


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


@pytest.fixture
def house(cli: Cli, db_url: URL, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("COLIV_TODAY", "2026-12-10")
    cli.ok("init")
    db = Database(db_url)
    seed_categories(db)
    db.dispose()
    ids = flow_41(cli)
    ids["tenant"] = cli.new_id("tenant", "add", "--first-name", "Sarah", "--last-name", "Chen",
                               "--email", "sarah@example.com")
    ids["lease"] = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", ids["tenant"],
                              "--start", "2026-10-01", "--rent", "1200", "--force")
    cli.ok("rent", "run", "--through", "2026-12-01")
    return ids


def test_import_list_match_reconcile(cli: Cli, house: dict[str, str]) -> None:
    ofx = str(DATA / "checking_1.0.2.ofx")
    first = json.loads(cli.ok("bank", "import", ofx, "--account", "Checking", "--property",
                              house["property"], "--json"))
    assert first == {"imported": 4, "duplicates": 0, "proposed": 1}
    assert json.loads(cli.ok("bank", "import", ofx, "--json")) == {
        "imported": 0, "duplicates": 4, "proposed": 0}
    text = cli.ok("bank", "import", ofx)
    assert "imported 0" in text and "duplicates 4" in text and "proposed 0" in text
    lines = json.loads(cli.ok("bank", "list", "--unmatched", "--json"))
    assert len(lines) == 4 and all(set(line) == LINE_KEYS for line in lines)
    deposit = next(line for line in lines if line["name"] == "ZELLE FROM SARAH CHEN")
    assert (deposit["date"], deposit["amount"], deposit["memo"]) == (
        "2026-11-03", "1200.00", "November rent")
    (proposal,) = deposit["proposals"]
    assert set(proposal) == {"lease_id", "charge_ids", "reason"}
    assert proposal["lease_id"] == house["lease"] and len(proposal["charge_ids"]) == 1
    assert proposal["reason"].startswith("tenant name SARAH CHEN in the text")

    cli.ok("bank", "rule", "add", "--pattern", "CITY OF AUSTIN", "--category", "17",
           "--property", house["property"])
    (rule,) = json.loads(cli.ok("bank", "rule", "list", "--json"))
    assert rule["category"] == "Utilities"
    util = next(line for line in json.loads(cli.ok("bank", "list", "--json"))
                if line["name"] == "CITY OF AUSTIN UTIL")
    assert util["proposals"] == [{"category": "Utilities", "charge_ids": [],
                                  "reason": util["proposals"][0]["reason"]}]

    payment = cli.new_id("bank", "match", deposit["id"], "--lease", house["lease"])
    code, _, err = cli.run("bank", "match", deposit["id"], "--lease", house["lease"])
    assert code == 4 and "already matched" in err
    code, _, err = cli.run("bank", "match", util["id"], "--lease", house["lease"])
    assert code == 2 and err.startswith("error: --lease:")
    code, _, err = cli.run("bank", "match", util["id"], "--expense", "Utilities")
    assert code == 2 and "--property" in err
    expense = cli.new_id("bank", "match", util["id"], "--expense", "Utilities", "--property",
                         house["property"])
    assert payment != expense
    for line in json.loads(cli.ok("bank", "list", "--unmatched", "--json")):
        cli.ok("bank", "match", line["id"], "--ignore")
    assert json.loads(cli.ok("bank", "list", "--unmatched", "--json")) == []

    cli.ok("bank", "account", "opening", "Checking", "--balance", "5000.00")
    check = json.loads(cli.ok("bank", "reconcile", "--account", "Checking", "--through",
                              "2026-11-30", "--balance", "5910.63", "--check", "--json"))
    assert (check["book_balance"], check["difference"], check["locked"]) == (
        "5910.63", "0.00", False)
    code, _, err = cli.run("bank", "reconcile", "--account", "Checking", "--through",
                           "2026-11-30", "--balance", "5900.00")
    assert code == 2 and err.startswith("error: --balance:") and "differs" in err
    done = json.loads(cli.ok("bank", "reconcile", "--account", "Checking", "--through",
                             "2026-11-30", "--balance", "5910.63", "--json"))
    assert done["locked"] is True
    code, _, err = cli.run("payment", "add", "--lease", house["lease"], "--amount", "5",
                           "--date", "2026-11-15", "--method", "cash")
    assert code == 4 and "reconciled period" in err
    code, _, err = cli.run("bank", "unmatch", deposit["id"], "--reason", "oops")
    assert code == 4 and "reconciled period" in err
    cli.ok("bank", "reopen", "--account", "Checking", "--reason", "late correction")
    cli.ok("bank", "unmatch", deposit["id"], "--reason", "oops")
    (account,) = json.loads(cli.ok("bank", "account", "list", "--json"))
    assert (account["name"], account["property_id"], account["unmatched"]) == (
        "Checking", house["property"], 1)


def test_csv_import_asks_what_it_cannot_tell(cli: Cli, house: dict[str, str],
                                             tmp_path: Path) -> None:
    csv = str(DATA / "ambiguous_dates.csv")
    code, _, err = cli.run("bank", "import", csv, "--account", "Card")
    assert code == 2 and err.startswith("error: --mapping:")
    mapping = '{"date": "Date", "amount": "Amount", "name": "Description"}'
    code, _, err = cli.run("bank", "import", csv, "--account", "Card", "--mapping", mapping)
    assert code == 2 and err.startswith("error: --date-order:")
    assert json.loads(cli.ok("bank", "account", "list", "--json")) == []  # nothing written
    saved = tmp_path / "mapping.json"
    saved.write_text(mapping, encoding="utf-8")
    result = json.loads(cli.ok("bank", "import", csv, "--account", "Card", "--mapping",
                               str(saved), "--date-order", "mdy", "--json"))
    assert result == {"imported": 2, "duplicates": 0, "proposed": 0}  # no name in the text
    again = json.loads(cli.ok("bank", "import", csv, "--account", "Card", "--json"))
    assert again == {"imported": 0, "duplicates": 2, "proposed": 0}


def test_help_names_the_choices(cli: Cli) -> None:
    code, out, _ = cli.run("bank", "reconcile", "--help")
    assert code == 0 and "--through" in out and "--balance" in out and "--check" in out
    code, out, _ = cli.run("bank", "match", "--help")
    assert code == 0 and "--lease" in out and "--expense" in out and "--ignore" in out


def test_clumsy_and_hostile_statements(cli: Cli, house: dict[str, str], tmp_path: Path) -> None:
    """A binary file, a folder, a mapping that is a JSON list, an account name with a control
    character: one sentence naming the argument, nothing written. A bank's text with control
    and text-direction characters is kept without them (it becomes an expense's payee)."""
    mapping = '{"date": "Date", "amount": "Amount", "name": "Description"}'
    binary = tmp_path / "statement.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    for args, code, start in [
        ((str(binary), "--account", "Card", "--mapping", mapping), 2, "error: FILE: is not a text"),
        ((str(tmp_path), "--account", "Card"), 6, "error: "),
        ((str(DATA / "ambiguous_dates.csv"), "--account", "Card", "--mapping", "[]"), 2,
         "error: --mapping: must be a JSON object"),
        ((str(DATA / "ambiguous_dates.csv"), "--account", "Ca\x01rd", "--mapping", mapping,
          "--date-order", "mdy"), 2, "error: --account: must not contain control characters"),
    ]:
        got, _, err = cli.run("bank", "import", *args)
        assert (got, err.startswith(start), err.count("\n")) == (code, True, 1), err
        assert "Traceback" not in err
    assert json.loads(cli.ok("bank", "account", "list", "--json")) == []  # nothing written

    hostile = tmp_path / "hostile.csv"
    hostile.write_text("Date,Amount,Description\n2026-11-05,-7.00,\x01\u202eEVIL\x1b[31m CO\n",
                       encoding="utf-8")
    cli.ok("bank", "import", str(hostile), "--account", "Card", "--mapping", mapping)
    (line,) = json.loads(cli.ok("bank", "list", "--json"))
    assert line["name"] == "EVIL [31m CO"
    for note, start in [("x" * 201, "error: --note: is too long"),
                        ("a\x1bb", "error: --note: must not contain control characters")]:
        got, _, err = cli.run("bank", "match", line["id"], "--ignore", "--note", note)
        assert got == 2 and err.startswith(start), err
    assert json.loads(cli.ok("bank", "list", "--json"))[0]["status"] == "unmatched"
    cli.ok("bank", "match", line["id"], "--expense", "repairs", "--property", house["property"])
    (expense,) = json.loads(cli.ok("expense", "list", "--json"))
    assert expense["payee"] == "EVIL [31m CO"
