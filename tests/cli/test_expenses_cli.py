"""The command-line contract of expenses, bills and the profit and loss (issue 15 item 7), on
both engines."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli, flow_41

LIST_FIELDS = {"id", "date", "property_id", "property", "category", "payee", "amount",
               "status", "source", "voided"}


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


@pytest.fixture
def house(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("COLIV_TODAY", "2026-04-10")
    ids = flow_41(cli)
    ids["tenant"] = cli.new_id("tenant", "add", "--first-name", "Ana", "--last-name", "Lee",
                               "--email", "ana@example.com")
    ids["lease"] = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", ids["tenant"],
                              "--start", "2026-01-01", "--rent", "900", "--force")
    return ids


def expenses(cli: Cli, *args: str) -> list[dict[str, object]]:
    rows = json.loads(cli.ok("expense", "list", *args, "--json"))
    assert isinstance(rows, list)
    return rows


def test_add_and_list(cli: Cli, house: dict[str, str], tmp_path: Path) -> None:
    first = cli.new_id("expense", "add", "--property", house["property"], "--amount", "12.5",
                       "--date", "2026-02-03", "--category", "supplies")
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(b"\x89PNG receipt")
    second = cli.new_id("expense", "add", "--property", house["property"], "--amount",
                        "$1,200.00", "--date", "2026-03-01", "--category", "17", "--payee",
                        "Austin Energy", "--room", house["3B-A"], "--status", "due", "--due",
                        "2026-03-20", "--reference", "AE-1", "--receipt", str(receipt))
    rows = expenses(cli)
    assert [r["id"] for r in rows] == [second, first]
    assert LIST_FIELDS <= set(rows[0])
    new, old = rows
    assert (old["date"], old["property_id"], old["property"], old["category"], old["payee"],
            old["amount"], old["status"], old["source"], old["voided"]) == (
        "2026-02-03", house["property"], "Downtown Loft", "Supplies", "Supplies", "12.50",
        "paid", "manual", False)  # no --payee: the category's name
    assert (new["category"], new["payee"], new["amount"], new["status"], new["due_date"],
            new["room_id"], new["unit_id"], new["receipt"]) == (
        "Utilities", "Austin Energy", "1200.00", "due", "2026-03-20", house["3B-A"],
        house["3B"], "receipt.png")
    assert [r["id"] for r in expenses(cli, "--status", "due")] == [second]
    assert [r["id"] for r in expenses(cli, "--search", "austin")] == [second]
    assert [r["id"] for r in expenses(cli, "--from", "2026-02-01", "--to", "2026-02-28")] == [
        first]
    assert [r["id"] for r in expenses(cli, "--sort", "amount", "--asc")] == [first, second]
    cli.ok("expense", "pay", second, "--date", "2026-03-18")
    shown = json.loads(cli.ok("expense", "show", second, "--json"))
    assert (shown["status"], shown["paid_on"]) == ("paid", "2026-03-18")
    cli.ok("expense", "edit", first, "--amount", "13.75", "--category", "Repairs")
    assert expenses(cli, "--category", "repairs")[0]["amount"] == "13.75"
    cli.ok("expense", "void", first, "--reason", "Entered twice")
    voided = json.loads(cli.ok("expense", "show", first, "--json"))
    assert voided["voided"] is True and voided["void_reason"] == "Entered twice"
    assert [r["id"] for r in expenses(cli, "--live")] == [second]


def test_errors_name_the_flag(cli: Cli, house: dict[str, str]) -> None:
    base = ["expense", "add", "--property", house["property"], "--date", "2026-02-03"]
    code, out, err = cli.run(*base, "--amount", "abc", "--category", "Supplies")
    assert code == 2 and err.startswith("error: --amount:") and out == ""
    code, _, err = cli.run(*base, "--amount", "0", "--category", "Supplies")
    assert code == 2 and err.startswith("error: --amount: must be more than zero")
    code, _, err = cli.run(*base, "--amount", "5", "--category", "Snacks")
    assert code == 2 and err.startswith('error: --category: "Snacks" is not a category')
    code, _, err = cli.run("expense", "add", "--property", house["property"], "--date",
                           "2026-02-30", "--amount", "5", "--category", "Supplies")
    assert code == 2 and "--date" in err
    code, _, err = cli.run(*base, "--amount", "5", "--category", "Supplies", "--room",
                           house["3B-A"], "--unit", house["3A"])
    assert code == 2 and err.startswith("error: --room: the room is not in that unit")
    code, _, err = cli.run("expense", "add", "--property", str(uuid.uuid4()), "--date",
                           "2026-02-03", "--amount", "5", "--category", "Supplies")
    assert code == 3 and err.startswith("error: --property: no property")
    code, _, err = cli.run("expense", "void", str(uuid.uuid4()), "--reason", "x")
    assert code == 3
    code, _, err = cli.run("bill", "add", "--property", house["property"], "--payee", "X",
                           "--category", "Utilities", "--amount", "10", "--start",
                           "2026-01-01", "--day", "31")
    assert code == 2 and err.startswith("error: --day:")
    code, out, err = cli.run("expense", "list", "--from", "2026-12-01", "--to", "2026-01-01")
    assert code == 2 and out == ""
    assert err.startswith("error: --to: must not be before the From date")
    assert expenses(cli) == []


def test_categories(cli: Cli, house: dict[str, str]) -> None:
    made = cli.new_id("expense", "category", "add", "Pest control", "--line", "7")
    cats = {c["name"]: c for c in json.loads(cli.ok("expense", "category", "list", "--json"))}
    assert cats["Pest control"]["schedule_e_line"] == "7"
    assert cats["Utilities"]["schedule_e_line"] == "17"
    code, _, err = cli.run("expense", "category", "add", "pest CONTROL")
    assert code == 2 and err.startswith("error: name:") or err.startswith("error: NAME:")
    code, _, err = cli.run("expense", "category", "edit", made, "--line", "30")
    assert code == 2 and err.startswith("error: --line:")
    cli.ok("expense", "add", "--property", house["property"], "--amount", "40", "--date",
           "2026-02-03", "--category", "Pest control")
    code, _, err = cli.run("expense", "category", "delete", made)
    assert code == 4 and "archive it" in err
    cli.ok("expense", "category", "archive", made)
    names = [c["name"] for c in json.loads(cli.ok("expense", "category", "list", "--json"))]
    assert "Pest control" not in names


def test_bills_post_once(cli: Cli, house: dict[str, str]) -> None:
    bill = cli.new_id("bill", "add", "--property", house["property"], "--payee", "Lamar LLC",
                      "--category", "Rent paid (master lease)", "--amount", "2150", "--day",
                      "1", "--start", "2026-01-01", "--autopay")
    posted = json.loads(cli.ok("bill", "post", "--through", "2026-03-31", "--json"))
    assert (posted["posted"], posted["bills"]) == (3, 1)
    assert json.loads(cli.ok("bill", "post", "--through", "2026-03-31", "--json"))[
        "posted"] == 0
    rows = expenses(cli)
    assert [r["date"] for r in rows] == ["2026-03-01", "2026-02-01", "2026-01-01"]
    assert {r["source"] for r in rows} == {"recurring"} and rows[0]["period"] == "2026-03"
    (listed,) = json.loads(cli.ok("bill", "list", "--json"))
    assert (listed["id"], listed["last_period"], listed["amount"]) == (bill, "2026-03",
                                                                       "2150.00")
    cli.ok("bill", "archive", bill)
    assert json.loads(cli.ok("bill", "list", "--json")) == []


def test_report_pnl(cli: Cli, house: dict[str, str], tmp_path: Path) -> None:
    cli.ok("rent", "run", "--through", "2026-02-28")
    cli.ok("expense", "add", "--property", house["property"], "--amount", "250", "--date",
           "2026-02-03", "--category", "Repairs")
    report = json.loads(cli.ok("report", "pnl", "--year", "2026", "--json"))
    assert report["year"] == 2026 and report["basis"] == "accrual"
    (prop,) = report["properties"]
    assert prop["property_id"] == house["property"] and prop["property"] == "Downtown Loft"
    jan, feb = prop["months"][:2]
    assert (jan["month"], jan["income"], jan["expenses"], jan["net"]) == (
        "2026-01", "900.00", "0.00", "900.00")
    assert (feb["income"], feb["expenses"], feb["net"]) == ("900.00", "250.00", "650.00")
    assert feb["income_by_kind"] == {"rent": "900.00", "late_fee": "0.00", "utility": "0.00",
                                     "other": "0.00", "credit": "0.00"}
    assert feb["expenses_by_category"] == {"Repairs": "250.00"}
    assert prop["totals"] == report["totals"] | {"month": "2026"}
    assert (report["totals"]["income"], report["totals"]["net"]) == ("1800.00", "1550.00")
    only = json.loads(cli.ok("report", "pnl", "--year", "2026", "--property",
                             house["property"], "--json"))
    assert only["totals"] == report["totals"]
    code, _, err = cli.run("report", "pnl", "--year", "26", "--json")
    assert code == 2 and "--year" in err
    pdf = tmp_path / "pnl.pdf"
    cli.ok("report", "pnl", "--year", "2026", "--out", str(pdf))
    assert "Profit and loss 2026" in PdfReader(pdf).pages[0].extract_text()
    sheet = tmp_path / "pnl.csv"
    cli.ok("report", "pnl", "--year", "2026", "--out", str(sheet))
    assert "Downtown Loft,2026-02,900.00,0.00,0.00,0.00,0.00,900.00,250.00,650.00" in \
        sheet.read_text("utf-8-sig")
    sched = json.loads(cli.ok("report", "schedule-e", "--year", "2026", "--json"))
    (lines,) = [p["lines"] for p in sched["properties"]]
    assert (lines["3"], lines["14"], lines["20"], lines["21"]) == (
        "1800.00", "250.00", "250.00", "1550.00")
    text = cli.ok("report", "schedule-e", "--year", "2026")
    assert "Rents received" in text and "1550.00" in text


def test_the_lists_only_read() -> None:
    from coliv_desktop.cli import build_parser, writes

    parser = build_parser()
    for words in (["expense", "list"], ["expense", "show", str(uuid.uuid4())],
                  ["expense", "category", "list"], ["bill", "list"],
                  ["report", "pnl", "--year", "2026"],
                  ["report", "schedule-e", "--year", "2026"]):
        assert not writes(parser.parse_args(words)), words
    assert writes(parser.parse_args(["bill", "post", "--through", "2026-01-01"]))


def test_a_refused_receipt_leaves_no_expense(cli: Cli, house: dict[str, str],
                                             tmp_path: Path) -> None:
    """`expense add --receipt` is one transaction: a receipt over the size limit is refused
    naming --receipt, and the expense is not written either."""
    cli.ok("settings", "set", "document_max_mb", "1")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4 " + b"x" * (2 * 1024 * 1024))
    code, out, err = cli.run("expense", "add", "--property", house["property"], "--date",
                             "2026-02-03", "--amount", "5", "--category", "Supplies",
                             "--receipt", str(big))
    assert code == 2 and out == "" and err.startswith("error: --receipt: scan.pdf is 2.0 MB")
    assert expenses(cli) == []
