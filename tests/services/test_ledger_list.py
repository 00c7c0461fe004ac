"""The ledger pane's query: filters, sorting, paging and totals in SQL, on both engines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.services import ledger, ledger_list, rent_run
from coliv_desktop.services.context import Actor
from coliv_desktop.services.ledger_list import LedgerQuery
from tests.services.test_reports import flow_43

D = Decimal


def test_filters_sort_page_and_totals(db: Database, actor: Actor,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-15")
    ids = flow_43(db, actor)
    rent_run.run_rent(db, actor, date(2026, 1, 31))
    everything = LedgerQuery()
    assert ledger_list.ledger_count(db, actor, everything) == 8 + 3
    first = ledger_list.ledger_page(db, actor, everything, "day", True, 0, 5)
    rest = ledger_list.ledger_page(db, actor, everything, "day", True, 5, 50)
    assert len(first) == 5 and len(rest) == 6
    days = [r.day for r in first + rest]
    assert days == sorted(days, reverse=True)
    totals = ledger_list.ledger_totals(db, actor, everything)
    assert (totals.charged, totals.received, totals.net) == (
        D("6500.00"), D("2450.00"), D("4050.00"))
    overdue = ledger_list.ledger_page(db, actor, LedgerQuery(status="overdue"))
    # Tom's December and everyone's January (due Jan 1, nothing paid) are overdue on Jan 15
    assert sorted(r.tenant_name for r in overdue if r.day.month == 12) == ["Tom Tester"]
    assert ledger_list.ledger_count(db, actor, LedgerQuery(status="overdue")) == 5
    assert ledger_list.ledger_count(db, actor, LedgerQuery(status="paid")) == 3
    assert ledger_list.ledger_page(db, actor, LedgerQuery(status="pending")) == []
    by_name = ledger_list.ledger_page(db, actor, LedgerQuery(search="sarah"), "amount", False)
    assert [r.amount for r in by_name] == [D("-900.00"), D("900.00"), D("900.00")]
    payments = ledger_list.ledger_page(db, actor, LedgerQuery(status="payment"))
    ledger.void_payment(db, actor, payments[0].id, "typo")
    assert ledger_list.ledger_count(db, actor, LedgerQuery(status="void")) == 1
    assert ledger_list.ledger_totals(db, actor, everything).received == D("2450.00") - abs(
        payments[0].amount)
    sarah = ids["Sarah"]
    assert ledger_list.ledger_count(db, actor, LedgerQuery(lease_id=sarah)) == 3  # type: ignore[arg-type]
    december = LedgerQuery(start=date(2025, 12, 1), end=date(2025, 12, 31))
    assert ledger_list.ledger_count(db, actor, december) == 4


def test_reading_from_the_end_mirrors_the_list(db: Database, actor: Actor) -> None:
    flow_43(db, actor)
    everything = LedgerQuery()
    for sort, descending in [("day", True), ("day", False), ("tenant", False),
                             ("amount", True), ("status", False)]:
        forward = ledger_list.ledger_page(db, actor, everything, sort, descending, 0, 100)
        backward = ledger_list.ledger_page(db, actor, everything, sort, descending, 0, 100,
                                           from_end=True)
        assert backward == forward[::-1]
        # the last three, read from the end, are the forward list's last three
        tail = ledger_list.ledger_page(db, actor, everything, sort, descending, 0, 3, from_end=True)
        assert tail[::-1] == forward[-3:]
        middle = ledger_list.ledger_page(db, actor, everything, sort, descending, 2, 3,
                                         from_end=True)
        assert middle[::-1] == forward[-5:-2]
