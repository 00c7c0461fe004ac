"""Ledger benchmarks (issue 4 item 12): each prints our time, the floor's, and the ratio.

    python3 packaging/bootstrap.py bench -k ledger
"""

from __future__ import annotations

import shutil
import sqlite3
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Operator, Property, Room, Tenant, Unit
from coliv_desktop.documents import ledger_docs
from coliv_desktop.documents.base import FONT, FONT_BOLD, register_fonts
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import ledger, printing, rent_run
from coliv_desktop.services.context import local_actor

pytestmark = pytest.mark.benchmark

LEASES = 5000
THROUGH = date(2026, 12, 31)


def _report(name: str, ours: float, floor: float, goal: float) -> None:
    ratio = ours / floor
    verdict = "meets" if ratio <= goal else "MISSES"
    print(f"\n[bench] {name}: ours {ours:.3f}s, floor {floor:.3f}s, ratio {ratio:.2f}x "
          f"(goal <= {goal}x: {verdict})")


def _portfolio(db: Database, leases: int) -> None:
    """`leases` tenants in `leases` rooms, inserted in bulk (the setup is not measured)."""
    now = datetime.now(UTC)
    with db.write() as s:
        operator = s.scalars(select(Operator)).first()
        assert operator is not None
        prop = uuid.uuid4()
        s.execute(insert(Property), [{"id": prop, "operator_id": operator.id, "name": "Bench",
                                      "address": "1 Road", "city": "Town", "state": "TX",
                                      "zip": "70000", "amenities": [], "created_at": now,
                                      "updated_at": now}])
        units = [{"id": uuid.uuid4(), "property_id": prop, "unit_number": f"U{i}",
                  "bedrooms": 4, "bathrooms": Decimal(2), "created_at": now, "updated_at": now}
                 for i in range(leases // 4 + 1)]
        s.execute(insert(Unit), units)
        rooms = [{"id": uuid.uuid4(), "unit_id": units[i // 4]["id"], "room_number": str(i % 4),
                  "rent_amount": Decimal("800.00"), "created_at": now, "updated_at": now}
                 for i in range(leases)]
        s.execute(insert(Room), rooms)
        tenants = [{"id": uuid.uuid4(), "first_name": "T", "last_name": str(i),
                    "email": f"t{i}@x.org", "created_at": now, "updated_at": now}
                   for i in range(leases)]
        s.execute(insert(Tenant), tenants)
        s.execute(insert(Lease), [
            {"id": uuid.uuid4(), "room_id": rooms[i]["id"], "tenant_id": tenants[i]["id"],
             "lease_start": date(2026, 1, 1 + i % 28), "rent_amount": Decimal("812.34"),
             "created_at": now, "updated_at": now} for i in range(leases)])


def test_rent_run_5000_leases_12_months_vs_executemany(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "bench.db"
    shutil.copy(sqlite_template, path)
    db = Database(make_url(f"sqlite:///{path}"))
    actor = local_actor(db)
    _portfolio(db, LEASES)
    floor_path = tmp_path / "floor.db"
    shutil.copy(path, floor_path)

    started = time.perf_counter()
    result = rent_run.run_rent(db, actor, THROUGH)
    ours = time.perf_counter() - started
    assert result.charges_created == LEASES * 12

    with db.read() as s:
        rows = [tuple(r) for r in s.execute(select(
            Charge.id, Charge.lease_id, Charge.kind, Charge.period, Charge.period_start,
            Charge.period_end, Charge.due_date, Charge.amount, Charge.description,
            Charge.working, Charge.created_by, Charge.created_at))]
    db.dispose()
    raw = [(r[0].hex, r[1].hex, r[2], r[3], r[4].isoformat(), r[5].isoformat(),
            r[6].isoformat(), int(r[7] * 100), r[8], r[9], r[10],
            r[11].replace(tzinfo=None).isoformat(sep=" ")) for r in rows]
    conn = sqlite3.connect(floor_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO charges (id, lease_id, kind, period, period_start, period_end, due_date,"
        " amount, description, working, created_by, created_at) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", raw)
    conn.execute("COMMIT")
    floor = time.perf_counter() - started
    conn.close()
    _report(f"rent run {LEASES} leases x 12 months ({len(raw)} charges) vs sqlite3 executemany",
            ours, floor, 5)
    again = Database(make_url(f"sqlite:///{path}"))
    started = time.perf_counter()
    assert rent_run.run_rent(again, actor, THROUGH).charges_created == 0
    print(f"[bench] idempotent repeat run: {time.perf_counter() - started:.3f}s, posted nothing")
    again.dispose()


def _raw_receipt(path: Path, data: Any) -> None:
    """The same page drawn with bare canvas calls: the floor."""
    c = Canvas(str(path), pagesize=LETTER)
    c.setFont(FONT_BOLD, 12)
    c.drawString(56, 760, "Loft Living")
    c.setFont(FONT, 8)
    c.drawString(56, 746, "9 Congress Ave, Austin TX")
    c.setFont(FONT_BOLD, 18)
    c.drawString(56, 700, f"Receipt No. {data.receipt_number:06d}")
    c.setFont(FONT, 10)
    y = 670
    for label, value in [("Received from", data.tenant), ("Room", data.place.label),
                         ("Address", data.place.address), ("Amount", f"${data.amount:,.2f}"),
                         ("Method", data.method)]:
        c.drawString(56, y, label)
        c.drawString(180, y, value)
        y -= 16
    for a in data.allocations:
        c.drawString(56, y, a.description)
        c.drawRightString(540, y, f"${a.amount:,.2f}")
        y -= 14
    c.drawString(56, y - 20, f"Balance after this payment: ${data.balance_after:,.2f}")
    c.showPage()
    c.save()


def test_1000_receipts_vs_raw_canvas(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "bench.db"
    shutil.copy(sqlite_template, path)
    db = Database(make_url(f"sqlite:///{path}"))
    actor = local_actor(db)
    _portfolio(db, 100)
    rent_run.run_rent(db, actor, date(2026, 10, 31))
    with db.read() as s:
        lease_ids = list(s.scalars(select(Lease.id)))
    ids = [ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=lease_ids[i % len(lease_ids)], amount="812.34",
        received_on="2026-02-01", method="cash")).id for i in range(1000)]
    register_fonts()
    head = printing.letterhead(db, actor)
    sample = [printing.receipt_data(db, actor, pid) for pid in ids[:1000]]

    started = time.perf_counter()
    for data in sample:
        ledger_docs.receipt(head, data).save(tmp_path / "ours" / f"{data.receipt_number}.pdf")
    render = time.perf_counter() - started

    started = time.perf_counter()
    printing.receipts_pdfs(db, actor, ids, tmp_path / "full")
    full = time.perf_counter() - started

    (tmp_path / "raw").mkdir()
    started = time.perf_counter()
    for data in sample:
        _raw_receipt(tmp_path / "raw" / f"{data.receipt_number}.pdf", data)
    floor = time.perf_counter() - started
    _report("1000 receipts, rendering (Document/platypus) vs raw canvas", render, floor, 3)
    _report("1000 receipts, read from the database and rendered vs raw canvas", full, floor, 3)
    db.dispose()
