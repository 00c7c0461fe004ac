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
    assert ledger_list.ledger_count(db, everything) == 8 + 3
    first = ledger_list.ledger_page(db, everything, "day", True, 0, 5)
    rest = ledger_list.ledger_page(db, everything, "day", True, 5, 50)
    assert len(first) == 5 and len(rest) == 6
    days = [r.day for r in first + rest]
    assert days == sorted(days, reverse=True)
    totals = ledger_list.ledger_totals(db, everything)
    assert (totals.charged, totals.received, totals.net) == (
        D("6500.00"), D("2450.00"), D("4050.00"))
    overdue = ledger_list.ledger_page(db, LedgerQuery(status="overdue"))
    # Tom's December and everyone's January (due Jan 1, nothing paid) are overdue on Jan 15
    assert sorted(r.tenant_name for r in overdue if r.day.month == 12) == ["Tom Tester"]
    assert ledger_list.ledger_count(db, LedgerQuery(status="overdue")) == 5
    assert ledger_list.ledger_count(db, LedgerQuery(status="paid")) == 3
    assert ledger_list.ledger_page(db, LedgerQuery(status="pending")) == []
    by_name = ledger_list.ledger_page(db, LedgerQuery(search="sarah"), "amount", False)
    assert [r.amount for r in by_name] == [D("-900.00"), D("900.00"), D("900.00")]
    payments = ledger_list.ledger_page(db, LedgerQuery(status="payment"))
    ledger.void_payment(db, actor, payments[0].id, "typo")
    assert ledger_list.ledger_count(db, LedgerQuery(status="void")) == 1
    assert ledger_list.ledger_totals(db, everything).received == D("2450.00") - abs(
        payments[0].amount)
    sarah = ids["Sarah"]
    assert ledger_list.ledger_count(db, LedgerQuery(lease_id=sarah)) == 3  # type: ignore[arg-type]
    december = LedgerQuery(start=date(2025, 12, 1), end=date(2025, 12, 31))
    assert ledger_list.ledger_count(db, december) == 4
