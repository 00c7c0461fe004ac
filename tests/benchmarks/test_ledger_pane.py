"""Ledger pane over 1,000,000 entries (issue 4 item 12): first paint, scroll to the end, memory;
and (issue 11 item 2) a jump to the middle, entry 500,000, once the page anchors are in.

    python3 packaging/bootstrap.py bench -k ledger_pane

The floor is a bare QTableView over a plain QAbstractTableModel holding the same display rows
in a Python list, read from the same file before its clock starts (so the floor pays neither
for reading nor for holding the rows; its memory is the view's own). Ours is the real
`LedgerPane` on the open database, both at 1280x800: its clock runs from constructing the
pane until its list is painted with real rows (not placeholders); scrolling to the end starts
once the pane is quiet (the footer's totals follow the rows) and runs until the last entries
are painted. Memory is the process's resident set growth over the same
span, read after `malloc_trim` on both sides: without it the floor's heap, left large and
half free by reading a million rows, absorbs the view's allocations and ours show as growth
(glibc keeps freed memory; which side it favours is luck, not design). Each side runs in fresh
processes; the min of several runs counts, so a busy neighbour on the machine weighs least.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import column, create_engine, event, insert, select, table
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.benchmark

RUNS = 5  # a busy neighbour on the machine weighs least in the min of five
LEASES = 2000
MONTHS = 250  # 2,000 leases x 250 months x (a charge and a payment) = 1,000,000 entries
ENTRIES = LEASES * MONTHS * 2

COMMON = """
import ctypes, json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_libc = ctypes.CDLL(None)
def rss_kb():  # resident memory once the allocator has handed back what it holds free
    _libc.malloc_trim(0)
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
"""

BARE = COMMON + """
import sqlite3
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
con = sqlite3.connect(sys.argv[1])
names = "t.first_name || ' ' || t.last_name, p.name || ' ' || u.unit_number || '-' || r.room_number"
joins = ("join leases l on l.id = e.lease_id join tenants t on t.id = l.tenant_id "
         "join rooms r on r.id = l.room_id join units u on u.id = r.unit_id "
         "join properties p on p.id = u.property_id")
rows = con.execute(
    f"select e.day, {names}, e.kind, e.description, printf('%.2f', e.cents / 100.0), e.status"
    " from ("
    " select lease_id, due_date as day, kind, description, amount as cents, 'paid' as status"
    " from charges union all select lease_id, received_on, kind, 'Payment (' || method || ')',"
    f" -amount, 'received' from payments) e {joins} order by e.day desc").fetchall()
con.close()
assert len(rows) == int(sys.argv[2]), len(rows)
app = QApplication([])
class Model(QAbstractTableModel):
    def __init__(self, rows): super().__init__(); self.rows = rows
    def rowCount(self, parent=QModelIndex()): return 0 if parent.isValid() else len(self.rows)
    def columnCount(self, parent=QModelIndex()): return 0 if parent.isValid() else 7
    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DisplayRole: return self.rows[index.row()][index.column()]
base_rss = rss_kb()
start = time.perf_counter()
view = QTableView()
view.setModel(Model(rows))
view.resize(1280, 800); view.show()
app.processEvents(); view.grab()
first = time.perf_counter() - start
start = time.perf_counter()
view.scrollToBottom()
app.processEvents(); view.grab()
scroll = time.perf_counter() - start
kb = rss_kb() - base_rss
start = time.perf_counter()
view.scrollTo(view.model().index(len(rows) // 2, 0), view.ScrollHint.PositionAtTop)
app.processEvents(); view.grab()
middle = time.perf_counter() - start
print(json.dumps({"first": first, "scroll": scroll, "kb": kb, "middle": middle}))
"""

OURS = COMMON + """
from PySide6.QtCore import QSettings
from coliv_desktop import config
from coliv_desktop.ui.shell.app import create_app
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.ledger.pane import LedgerPane
app = create_app()
ctx = AppContext(QSettings(sys.argv[3], QSettings.Format.IniFormat))
ctx.set_database(open_database_blocking(config.parse_db_url("sqlite:///" + sys.argv[1])))
def settle(model, rows):  # until the query ran and these rows are real rows, not placeholders
    while not model.queried or model.loading or not model.has_rows(rows(model.total)):
        app.processEvents()
        ctx.tasks.pool.waitForDone(2)
base_rss = rss_kb()
start = time.perf_counter()
pane = LedgerPane(ctx)
pane.resize(1280, 800); pane.show()
view, model = pane.list, pane.model
app.processEvents()
settle(model, lambda total: range(0, 20))
view.grab()
first = time.perf_counter() - start
assert model.rowCount() == int(sys.argv[2]), model.rowCount()
ctx.tasks.wait_idle()  # the footer's totals follow the rows; scrolling starts from a quiet pane
start = time.perf_counter()
view.scrollToBottom()
app.processEvents()
settle(model, lambda total: range(total - 20, total))
view.grab()
scroll = time.perf_counter() - start
kb = rss_kb() - base_rss
assert model.row(model.rowCount() - 1).day == min(
    model.row(r).day for r in range(model.rowCount() - 20, model.rowCount()))
while model.anchors is None:  # read once in the background after the first page
    app.processEvents()
    ctx.tasks.pool.waitForDone(2)
ctx.tasks.wait_idle()
half = model.rowCount() // 2
start = time.perf_counter()
view.scrollTo(view.model().index(half, 0), view.ScrollHint.PositionAtTop)
app.processEvents()
settle(model, lambda total: range(half, half + 20))
view.grab()
middle = time.perf_counter() - start
print(json.dumps({"first": first, "scroll": scroll, "kb": kb, "middle": middle}))
ctx.tasks.wait_idle()
"""


def _run(script: str, *args: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _best(script: str, *args: str) -> dict[str, float]:
    runs = [_run(script, *args) for _ in range(RUNS)]
    return {key: min(r[key] for r in runs) for key in runs[0]}


def build_ledger(path: Path, leases: int = LEASES, months: int = MONTHS) -> int:
    """A ledger of `leases` x `months` rent charges, each paid (a payment allocated to it),
    written with Core bulk inserts in one transaction. Returns the number of entries."""
    from coliv_desktop.db.models import Lease, Operator, Property, Room, Tenant, Unit
    from coliv_desktop.services.databases import open_database as open_database_blocking

    url = make_url(f"sqlite:///{path}")
    open_database_blocking(url, create=True).db.dispose()  # migrated, with its owner and operator
    engine = create_engine(url)  # the bulk load alone skips the journal and fsync
    event.listen(engine, "connect", lambda con, _r: con.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;"))
    now = datetime.now(UTC)
    edit = {"created_at": now, "updated_at": now}
    with engine.begin() as s:
        operator = s.execute(select(Operator.id)).one()
        props = [{"id": uuid.uuid4(), "operator_id": operator.id, "name": f"House {p:02d}",
                  "address": f"{p} Elm St", "city": "Austin", "state": "TX", "zip": "78701",
                  "amenities": [], **edit} for p in range(20)]
        units = [{"id": uuid.uuid4(), "property_id": props[u % 20]["id"],
                  "unit_number": f"{u // 20 + 1:02d}", "bedrooms": 4,
                  "bathrooms": Decimal(2), **edit} for u in range(leases // 4)]
        rooms = [{"id": uuid.uuid4(), "unit_id": units[i // 4]["id"], "room_number": "ABCD"[i % 4],
                  "rent_amount": Decimal(700 + 25 * (i % 8)), **edit} for i in range(leases)]
        tenants = [{"id": uuid.uuid4(), "first_name": f"Tenant{i:04d}",
                    "last_name": f"Family{i % 97:02d}", "email": f"t{i}@example.com", **edit}
                   for i in range(leases)]
        lease_rows = [{"id": uuid.uuid4(), "room_id": rooms[i]["id"],
                       "tenant_id": tenants[i]["id"], "lease_start": date(2005, 1, 1),
                       "rent_amount": rooms[i]["rent_amount"], **edit} for i in range(leases)]
        for model, rows in ((Property, props), (Unit, units), (Room, rooms), (Tenant, tenants),
                            (Lease, lease_rows)):
            s.execute(insert(model), rows)
        # 1.5 million rows: written through untyped Core tables with the values already in
        # their stored form (hex ids, ISO dates, cents), which skips per-value type processing.
        charge_t = table("charges", *map(column, (
            "id", "lease_id", "kind", "period", "period_start", "period_end", "due_date",
            "amount", "description", "created_by", "created_at")))
        payment_t = table("payments", *map(column, (
            "id", "operator_id", "lease_id", "kind", "amount", "received_on", "method",
            "receipt_number", "created_by", "created_at")))
        allocation_t = table("allocations", *map(column, (
            "id", "payment_id", "charge_id", "amount", "created_at")))
        created = now.replace(tzinfo=None).isoformat(sep=" ")
        operator_hex = operator.id.hex
        receipt = 0
        for first in range(0, leases, 200):  # in slices, so memory stays modest
            charges: list[dict[str, Any]] = []
            payments: list[dict[str, Any]] = []
            allocations: list[dict[str, Any]] = []
            for lease in lease_rows[first:first + 200]:
                lease_hex = lease["id"].hex
                cents = int(lease["rent_amount"] * 100)
                for m in range(months):
                    year, month = 2005 + m // 12, m % 12 + 1
                    due = date(year, month, 1).isoformat()
                    charge_id, payment_id = uuid.uuid4().hex, uuid.uuid4().hex
                    receipt += 1
                    charges.append({
                        "id": charge_id, "lease_id": lease_hex, "kind": "rent",
                        "period": f"{year}-{month:02d}", "period_start": due,
                        "period_end": due, "due_date": due, "amount": cents,
                        "description": f"Rent {year}-{month:02d}", "created_by": "bench",
                        "created_at": created})
                    payments.append({
                        "id": payment_id, "operator_id": operator_hex, "lease_id": lease_hex,
                        "kind": "payment", "amount": cents,
                        "received_on": date(year, month, 1 + receipt % 5).isoformat(),
                        "method": "bank_transfer" if receipt % 3 else "cash",
                        "receipt_number": receipt, "created_by": "bench",
                        "created_at": created})
                    allocations.append({"id": uuid.uuid4().hex, "payment_id": payment_id,
                                        "charge_id": charge_id, "amount": cents,
                                        "created_at": created})
            s.execute(insert(charge_t), charges)
            s.execute(insert(payment_t), payments)
            s.execute(insert(allocation_t), allocations)
        s.exec_driver_sql("ANALYZE")
    engine.dispose()
    return leases * months * 2


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "ledger.db"
    assert build_ledger(path) == ENTRIES
    return path


def test_ledger_pane_over_a_million_entries(million: Path, tmp_path: Path) -> None:
    floor = _best(BARE, str(million), str(ENTRIES))
    ours = _best(OURS, str(million), str(ENTRIES), str(tmp_path / "s.ini"))
    ratios = {key: ours[key] / max(floor[key], 1e-9)
              for key in ("first", "scroll", "kb", "middle")}
    print(f"\nledger pane, {ENTRIES:,} entries (min of {RUNS} runs each):"
          f"\n  first paint   {ours['first'] * 1000:7.1f} ms vs bare QTableView "
          f"{floor['first'] * 1000:7.1f} ms: ratio {ratios['first']:.2f}x (goal <= 3x)"
          f"\n  scroll to end {ours['scroll'] * 1000:7.1f} ms vs bare QTableView "
          f"{floor['scroll'] * 1000:7.1f} ms: ratio {ratios['scroll']:.2f}x (goal <= 3x)"
          f"\n  to the middle {ours['middle'] * 1000:7.1f} ms vs bare QTableView "
          f"{floor['middle'] * 1000:7.1f} ms: ratio {ratios['middle']:.2f}x (goal <= 3x)"
          f"\n  memory        {ours['kb'] / 1024:7.1f} MiB vs bare QTableView "
          f"{floor['kb'] / 1024:7.1f} MiB: ratio {ratios['kb']:.2f}x (goal <= 2x)")
    assert ratios["first"] <= 3.0
    assert ratios["scroll"] <= 3.0
    assert ratios["middle"] <= 3.0
    assert ratios["kb"] <= 2.0
