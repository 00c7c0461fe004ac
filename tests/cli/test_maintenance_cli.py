"""The maintenance queue's command-line contract (issue 14), on both engines."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli, flow_41

LIST_FIELDS = {"id", "title", "category", "priority", "status", "due_by", "overdue",
               "vendor_id", "cost"}


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


@pytest.fixture
def house(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("COLIV_TODAY", "2026-03-10")
    ids = flow_41(cli)
    ids["tenant"] = cli.new_id("tenant", "add", "--first-name", "Trần", "--last-name", "Văn An",
                               "--email", "an@example.com", "--phone", "555-0199")
    ids["lease"] = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", ids["tenant"],
                              "--start", "2026-01-01", "--rent", "900", "--force")
    ids["vendor"] = cli.new_id("vendor", "add", "--name", "Đặng Thị Mỹ", "--trade", "plumber",
                               "--phone", "555-0100", "--email", "my@example.com")
    return ids


def listed(cli: Cli, *args: str) -> list[dict[str, object]]:
    rows = json.loads(cli.ok("maintenance", "list", *args, "--json"))
    assert isinstance(rows, list)
    return rows


def test_vendors_through_the_cli(cli: Cli, house: dict[str, str]) -> None:
    (vendor,) = json.loads(cli.ok("vendor", "list", "--json"))
    assert vendor["id"] == house["vendor"]
    assert (vendor["name"], vendor["trade"], vendor["phone"], vendor["email"]) == (
        "Đặng Thị Mỹ", "plumber", "555-0100", "my@example.com")
    code, out, err = cli.run("vendor", "add", "--name", "X", "--trade", "roofer",
                             "--email", "not-an-email")
    assert code == 2 and err.startswith("error: --email:") and out == ""
    cli.ok("vendor", "archive", house["vendor"])
    assert json.loads(cli.ok("vendor", "list", "--json")) == []
    (archived,) = json.loads(cli.ok("vendor", "list", "--all", "--json"))
    assert archived["archived"] is True
    cli.ok("vendor", "archive", house["vendor"], "--restore")
    assert [v["id"] for v in json.loads(cli.ok("vendor", "list", "--json"))] == [house["vendor"]]


def test_the_lists_only_read() -> None:
    """They run while another process writes the book (no writer lock)."""
    from coliv_desktop.cli import build_parser, writes

    parser = build_parser()
    for words in (["vendor", "list"], ["maintenance", "list"], ["maintenance", "costs"],
                  ["maintenance", "schedule", "list"], ["work-order", str(uuid.uuid4()),
                                                        "--out", "x.pdf"]):
        assert not writes(parser.parse_args(words)), words
    assert writes(parser.parse_args(["maintenance", "run-schedules"]))


def test_requests_assign_status_and_list(cli: Cli, house: dict[str, str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    leak = cli.new_id("maintenance", "add", "--room", house["3B-A"], "--category", "plumbing",
                      "--priority", "urgent", "--title", "Leak under the sink",
                      "--description", "Water on the floor", "--reported-by", house["tenant"])
    stairs = cli.new_id("maintenance", "add", "--property", house["property"], "--category",
                        "cleaning", "--priority", "low", "--title", "Stairs")
    cli.new_id("maintenance", "add", "--unit", house["3A"], "--category", "internet",
               "--priority", "high", "--title", "Router")
    rows = listed(cli)
    assert [r["id"] for r in rows] == [leak, *[r["id"] for r in rows[1:]]]  # urgent first
    assert all(set(r) == LIST_FIELDS for r in rows)
    first = rows[0]
    assert first == {"id": leak, "title": "Leak under the sink", "category": "plumbing",
                     "priority": "urgent", "status": "open", "due_by": first["due_by"],
                     "overdue": False, "vendor_id": None, "cost": "0.00"}
    assert str(first["due_by"]).startswith("2026-03-11T")

    cli.ok("maintenance", "assign", leak, "--vendor", house["vendor"], "--scheduled",
           "2026-03-11")
    cli.ok("maintenance", "status", leak, "--to", "in_progress", "--note", "on the way")
    code, _, err = cli.run("maintenance", "status", leak, "--to", "in_progress")
    assert code == 2 and err.startswith("error: --to: the request is already in_progress")
    cli.ok("maintenance", "status", stairs, "--to", "closed")
    code, _, err = cli.run("maintenance", "status", stairs, "--to", "open")
    assert code == 2 and "--to:" in err
    assert [r["status"] for r in listed(cli, "--status", "closed")] == ["closed"]
    (row,) = listed(cli, "--status", "in_progress")
    assert row["vendor_id"] == house["vendor"]
    code, _, err = cli.run("maintenance", "status", house["vendor"], "--to", "closed")
    assert code == 3
    code, _, err = cli.run("maintenance", "status", leak, "--to", "done")
    assert code == 2

    monkeypatch.setenv("COLIV_TODAY", "2026-03-15")  # urgent (1 day) and high (3) are late
    late = listed(cli, "--overdue")
    assert {r["title"] for r in late} == {"Leak under the sink", "Router"}
    assert all(r["overdue"] for r in late)
    board = json.loads(cli.ok("dashboard", "--json"))
    assert (board["maintenance_open"], board["maintenance_overdue"]) == (2, 2)
    assert listed(cli, "--property", house["property"], "--status", "open")[0]["title"] == \
        "Router"


def test_costs_and_the_recharge(cli: Cli, house: dict[str, str]) -> None:
    leak = cli.new_id("maintenance", "add", "--room", house["3B-A"], "--category", "plumbing",
                      "--priority", "high", "--title", "Leak")
    ledger_before = json.loads(cli.ok("ledger", house["lease"], "--json"))
    cli.new_id("maintenance", "cost", leak, "--amount", "1,250.50", "--description",
               "Plumber's invoice", "--kind", "vendor_invoice", "--date", "2026-02-20")
    out = cli.ok("maintenance", "cost", leak, "--amount", "40", "--description", "Glass",
                 "--recharge-lease", house["lease"])
    assert "recharged" in out
    ledger_after = json.loads(cli.ok("ledger", house["lease"], "--json"))
    new = [c for c in ledger_after["charges"] if c not in ledger_before["charges"]]
    assert len(new) == 1 and new[0]["amount"] == "40.00"
    (row,) = listed(cli)
    assert row["cost"] == "1290.50"
    report = json.loads(cli.ok("maintenance", "costs", "--json"))
    assert report == [{"property_id": house["property"], "property": "Downtown Loft",
                       "month": "2026-02", "total": "1250.50"}]
    code, out, err = cli.run("maintenance", "cost", leak, "--amount", "-5",
                             "--description", "x")
    assert code == 2 and err.startswith("error: --amount:")
    code, out, err = cli.run("maintenance", "cost", leak, "--amount", "5", "--description",
                             "x", "--recharge-lease", house["vendor"])
    assert code == 3 and err.startswith("error: --recharge-lease:")
    assert listed(cli)[0]["cost"] == "1290.50"  # the refused ones wrote nothing


def test_schedules_through_the_cli(cli: Cli, house: dict[str, str]) -> None:
    schedule = cli.new_id("maintenance", "schedule", "add", "--property", house["property"],
                          "--title", "Gutters", "--category", "other", "--every-months", "3",
                          "--next-due", "2025-09-01", "--vendor", house["vendor"])
    first = json.loads(cli.ok("maintenance", "run-schedules", "--json"))
    assert first["through"] == "2026-03-10" and len(first["created"]) == 3  # Sep, Dec, Mar
    again = json.loads(cli.ok("maintenance", "run-schedules", "--json"))
    assert again["created"] == []
    assert len(listed(cli)) == 3
    (row,) = json.loads(cli.ok("maintenance", "schedule", "list", "--json"))
    assert row["id"] == schedule and row["next_due"] == "2026-06-01"
    assert all(r["vendor_id"] == house["vendor"] for r in listed(cli))
    code, _, err = cli.run("maintenance", "schedule", "add", "--property", house["property"],
                           "--title", "Bad", "--category", "other", "--every-months", "0",
                           "--next-due", "2026-01-01")
    assert code == 2 and err.startswith("error: --every-months:")


def test_the_work_order_through_the_cli(cli: Cli, house: dict[str, str],
                                        tmp_path: Path) -> None:
    leak = cli.new_id("maintenance", "add", "--room", house["3B-A"], "--category", "plumbing",
                      "--priority", "medium", "--title", "Dripping tap", "--access",
                      "Ring the bell", "--reported-by", house["tenant"])
    out = tmp_path / "wo.pdf"
    code, _, err = cli.run("work-order", leak, "--out", str(out))
    assert code == 4 and "no vendor" in err and not out.exists()
    cli.ok("maintenance", "assign", leak, "--vendor", house["vendor"])
    cli.ok("work-order", leak, "--out", str(out))
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    for expected in ("Work order: Dripping tap", "Đặng Thị Mỹ", "Ring the bell", "Room A",
                     "Downtown Loft"):
        assert expected in text, expected
    assert "Trần" not in text
    cli.ok("settings", "set", "work_order_tenant_contact", "yes")
    cli.ok("work-order", leak, "--out", str(out))
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Trần Văn An" in text and "555-0199" in text
