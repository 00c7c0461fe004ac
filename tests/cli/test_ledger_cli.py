"""The ledger's command-line contract (issue 4 item 10), on both engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


@pytest.fixture
def booked(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    ids = flow_41(cli)
    for room, name, rent in [("A", "Sarah", "900"), ("B", "Mike", "750"),
                             ("C", "Jessica", "800"), ("D", "Tom", "800")]:
        tenant = cli.new_id("tenant", "add", "--first-name", name, "--last-name", "Tester",
                            "--email", f"{name.lower()}@example.com")
        ids[name] = cli.new_id("lease", "add", "--room", ids[f"3B-{room}"], "--tenant", tenant,
                               "--start", "2025-12-01", "--rent", rent, "--force")
    return ids


def test_flow_43_through_the_cli(cli: Cli, booked: dict[str, str], tmp_path: Path) -> None:
    first = json.loads(cli.ok("rent", "run", "--through", "2025-12-31", "--json"))
    assert first == {"charges_created": 4, "late_fees_created": 0, "through": "2025-12-31"}
    again = json.loads(cli.ok("rent", "run", "--through", "2025-12-31", "--json"))
    assert again == {"charges_created": 0, "late_fees_created": 0, "through": "2025-12-31"}
    payments = {}
    for name, amount in [("Sarah", "900"), ("Mike", "750"), ("Jessica", "800")]:
        payments[name] = cli.new_id("payment", "add", "--lease", booked[name], "--amount",
                                    amount, "--date", "2025-11-24", "--method", "cash")
    report = json.loads(cli.ok("report", "collection", "--month", "2025-12", "--json"))
    assert {k: report[k] for k in ("month", "expected", "collected", "outstanding",
                                   "collection_rate")} == {
        "month": "2025-12", "expected": "3250.00", "collected": "2450.00",
        "outstanding": "800.00", "collection_rate": 75.4}
    assert report["rooms"][3] == {"property": "Downtown Loft", "unit": "3B", "room": "D",
                                  "tenant": "Tom Tester", "due": "800.00", "paid": "0.00",
                                  "status": "due"}
    assert [r["status"] for r in report["rooms"]] == ["paid", "paid", "paid", "due"]
    receipt = tmp_path / "receipt.pdf"
    cli.ok("receipt", payments["Sarah"], "--out", str(receipt))
    assert "$900.00" in PdfReader(receipt).pages[0].extract_text()
    lease_pdf = tmp_path / "lease.pdf"
    cli.ok("lease-pdf", booked["Tom"], "--out", str(lease_pdf))
    assert "Tom Tester" in PdfReader(lease_pdf).pages[0].extract_text()
    statement = tmp_path / "statement.pdf"
    cli.ok("statement", booked["Tom"], "--from", "2025-12-01", "--to", "2025-12-31", "--out",
           str(statement))
    assert "$800.00" in PdfReader(statement).pages[0].extract_text()
    cli.ok("payment", "void", payments["Mike"], "--reason", "bounced")
    report = json.loads(cli.ok("report", "collection", "--month", "2025-12", "--json"))
    assert report["collected"] == "1700.00" and report["rooms"][1]["status"] == "due"
    aging = json.loads(cli.ok("report", "aging", "--as-of", "2026-01-15", "--json"))
    assert aging["total"] == "1550.00" and aging["totals"]["31-60"] == "1550.00"
    roll = tmp_path / "roll.csv"
    cli.ok("report", "rent-roll", "--out", str(roll))
    with roll.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["balance"] for r in rows if r["occupancy"] == "let"] == [
        "0.00", "750.00", "0.00", "800.00"]
    # then the vacant rooms of 3A with their asking rent
    assert [(r["unit"], r["room"], r["rent"], r["occupancy"]) for r in rows[4:]] == [
        ("3A", "A", "700.00", "vacant"), ("3A", "B", "700.00", "vacant"),
        ("3A", "C", "700.00", "vacant")]
    cli.ok("report", "rent-roll", "--out", str(tmp_path / "roll.pdf"))
    assert (tmp_path / "roll.pdf").stat().st_size > 1000


def test_cli_errors_name_the_field_and_change_nothing(cli: Cli, booked: dict[str, str]) -> None:
    code, _, err = cli.run("payment", "add", "--lease", booked["Tom"], "--amount", "-5",
                           "--date", "2025-12-01", "--method", "cash")
    assert code == 2 and "amount" in err
    code, _, err = cli.run("payment", "add", "--lease", booked["Tom"], "--amount", "10.005",
                           "--date", "2025-12-01", "--method", "cash")
    assert code == 2 and "amount" in err
    code, out, err = cli.run("report", "collection", "--month", "2025-13", "--json")
    assert (code, out) == (2, "")  # argparse refuses it before any work, in one line
    assert err.startswith("error: --month: '2025-13' is not a month") and err.count("\n") == 1
    payment = cli.new_id("payment", "add", "--lease", booked["Tom"], "--amount", "10",
                         "--method", "card", "--reference", "R-1")
    code, _, err = cli.run("payment", "void", payment, "--reason", " ")
    assert code == 2 and "reason" in err
    ledger = json.loads(cli.ok("ledger", booked["Tom"], "--json"))
    assert ledger["payments"][0]["voided"] is False and ledger["balance"] == "-10.00"


def test_move_out_and_its_undo_through_the_cli(cli: Cli, booked: dict[str, str]) -> None:
    cli.ok("rent", "run", "--through", "2026-01-31")
    tom = booked["Tom"]
    cli.ok("lease", "end", tom, "--date", "2025-12-15")
    ledger_text = cli.ok("ledger", tom)
    assert "Lease change: move-out on 2025-12-15" in ledger_text
    code, _, err = cli.run("lease", "reopen", tom)
    assert code != 0 and "--end" in err
    assert "active again, to open-ended" in cli.ok("lease", "reopen", tom, "--open-ended")
    report = json.loads(cli.ok("report", "collection", "--month", "2026-01", "--json"))
    assert [r["due"] for r in report["rooms"] if r["tenant"] == "Tom Tester"] == ["800.00"]
    code, _, err = cli.run("lease", "cancel", booked["Jessica"], "--reason", "wrong room")
    assert code == 0, err
    report = json.loads(cli.ok("report", "collection", "--month", "2026-01", "--json"))
    assert report["expected"] == "2450.00"  # Jessica's January voided with the lease
    assert "active again" in cli.ok("lease", "uncancel", booked["Jessica"])
    report = json.loads(cli.ok("report", "collection", "--month", "2026-01", "--json"))
    assert report["expected"] == "3250.00"


def test_utility_bills_through_the_cli(cli: Cli, booked: dict[str, str]) -> None:
    bill_args = ["utility", "add", "--property", booked["property"], "--unit", booked["3B"],
                 "--provider", "City Water", "--from", "2025-12-01", "--to", "2025-12-31",
                 "--amount", "100", "--due", "2026-01-15", "--rule", "percentages"]
    percent = [x for room, p in (("A", "40"), ("B", "20"), ("C", "20"), ("D", "20"))
               for x in ("--percent", f"{booked[f'3B-{room}']}={p}")]
    preview = cli.ok(*bill_args, *percent, "--preview")
    assert "40.00" in preview and json.loads(cli.ok("utility", "list", "--json")) == []
    code, out, err = cli.run(*bill_args, "--percent", f"{booked['3B-A']}=40")
    assert code != 0 and out == "" and "room 3B-B needs a percentage" in err
    bill = cli.new_id(*bill_args, *percent)
    (row,) = json.loads(cli.ok("utility", "list", "--json"))
    assert (row["id"], row["amount"], row["tenants_share"], row["voided"],
            row["needs_resplit"]) == (bill, "100.00", "100.00", False, False)
    again = cli.new_id("utility", "resplit", bill)
    assert "voided 4 tenant shares" in cli.ok("utility", "void", again, "--reason", "wrong")
    assert [r["voided"] for r in json.loads(cli.ok("utility", "list", "--json"))] == [
        True, True]


def test_deposit_settled_then_reversed_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    flow = flow_41(cli)
    tenant = cli.new_id("tenant", "add", "--first-name", "Ana", "--last-name", "Tester",
                        "--email", "ana@example.com")
    ana = cli.new_id("lease", "add", "--room", flow["3B-A"], "--tenant", tenant,
                     "--start", "2025-12-01", "--end", "2025-12-31", "--rent", "700",
                     "--deposit", "700", "--force")
    cli.ok("rent", "run", "--through", "2025-12-31")
    cli.ok("payment", "add", "--lease", ana, "--amount", "1400", "--date", "2025-12-01",
           "--method", "cash")
    cli.ok("lease", "end", ana, "--date", "2025-12-31")
    out = cli.ok("deposit", "settle", ana, "--deduct", "Cleaning=600", "--date", "2026-01-02",
                 "--out", str(tmp_path / "letter.pdf"))
    assert "refund 100.00" in out and (tmp_path / "letter.pdf").exists()
    code, _, err = cli.run("deposit", "settle", ana, "--deduct", "Cleaning=60")
    assert code != 0 and "already settled" in err
    out = cli.ok("deposit", "unsettle", ana, "--reason", "typed 600 for 60")
    assert "2 entries voided" in out  # the deduction and the deposit applied
    book = json.loads(cli.ok("ledger", ana, "--json"))
    assert book["deposit_held"] == "700.00" and book["balance"] == "0.00"
    out = cli.ok("deposit", "settle", ana, "--deduct", "Cleaning=60", "--date", "2026-01-02")
    assert "refund 640.00" in out
    code, _, err = cli.run("deposit", "unsettle", ana)  # a reason is required
    assert code == 2 and "--reason" in err
