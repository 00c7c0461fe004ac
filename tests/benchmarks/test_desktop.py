"""Desktop benchmarks (item 11): run with `python3 packaging/bootstrap.py bench`.

Each compares our window with a bare PySide6 floor measured in the same run, in fresh
processes (min of several runs, so a busy neighbour on the machine counts least):

- cold start to an interactive main window on the demo database vs a bare QMainWindow with a
  QTreeView and a QTableView (goal <= 2x);
- the property tree and the tenants pane on 5,000 rooms and 20,000 tenants: time to first
  paint and memory, vs a bare QTableView over an in-memory list of the same rows (goal <= 3x).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.benchmark

RUNS = 5  # both sides; the min of five, so a busy neighbour on the machine weighs least

COMMON = """
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
T0 = time.perf_counter()
def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
"""

BARE_START = COMMON + """
from PySide6.QtGui import QStandardItemModel, QStandardItem
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTreeView, QTableView
app = QApplication([])
win = QMainWindow()
split = QSplitter()
tree, table = QTreeView(), QTableView()
model = QStandardItemModel()
for p in range(3):
    item = QStandardItem(f"Property {p}")
    for u in range(3):
        item.appendRow(QStandardItem(f"Unit {u}"))
    model.appendRow(item)
tree.setModel(model)
rows = QStandardItemModel(20, 5)
table.setModel(rows)
split.addWidget(tree); split.addWidget(table)
win.setCentralWidget(split); win.resize(1280, 800); win.show()
app.processEvents(); win.grab()
print(json.dumps({"seconds": time.perf_counter() - T0}))
"""

OUR_START = COMMON + """
from PySide6.QtCore import QSettings
from coliv_desktop.ui.app import create_app, launch
app = create_app()
ctx, win = launch(sys.argv[1], QSettings(sys.argv[2], QSettings.Format.IniFormat))
win.resize(1280, 800)
waiting = {"dashboard", "tree"}  # signals, not polling: a polling GUI thread would slow the
def arrived(part):                # worker that opens the database (they share the GIL)
    waiting.discard(part)
    if not waiting:
        app.quit()
def switched():
    win.panes["dashboard"].loaded.connect(lambda: arrived("dashboard"))
    win.tree.loaded.connect(lambda: arrived("tree"))
ctx.bus.database_switched.connect(switched)
app.exec()
win.grab()
seconds = time.perf_counter() - T0
board = win.panes["dashboard"]
assert ctx.has_database and win.current_pane == "dashboard" and board.data is not None
assert board.rooms_card.value.text() == "14/23", board.rooms_card.value.text()
assert win.tree.model.roots and win.size().width() == 1280 and win.size().height() == 800
print(json.dumps({"seconds": seconds}))
for _ in range(3):  # the rent run on open follows the first loads: let it finish
    app.processEvents(); ctx.tasks.wait_idle()
"""

BARE_LIST = COMMON + """
import sqlite3
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView
con = sqlite3.connect(sys.argv[1])
tenants = con.execute("select last_name || ', ' || first_name, email, phone, '', '' "
                      "from tenants").fetchall()
rooms = con.execute("select room_number, 'x' from rooms").fetchall()
con.close()
app = QApplication([])
class Model(QAbstractTableModel):
    def __init__(self, rows): super().__init__(); self.rows = rows
    def rowCount(self, parent=QModelIndex()): return 0 if parent.isValid() else len(self.rows)
    def columnCount(self, parent=QModelIndex()): return 0 if parent.isValid() else 5
    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DisplayRole: return self.rows[index.row()][index.column()]
base_rss = rss_kb()
start = time.perf_counter()
tree_view, tenant_view = QTableView(), QTableView()
tree_view.setModel(Model([r + ("", "", "") for r in rooms])); tenant_view.setModel(Model(tenants))
for v in (tree_view, tenant_view):
    v.resize(640, 800); v.show()
app.processEvents(); tree_view.grab(); tenant_view.grab()
print(json.dumps({"seconds": time.perf_counter() - start, "kb": rss_kb() - base_rss}))
"""

OUR_LIST = COMMON + """
from PySide6.QtCore import QSettings
from coliv_desktop import config
from coliv_desktop.ui.app import create_app
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.context import AppContext
from coliv_desktop.ui.panes.tenants import TenantsPane
from coliv_desktop.ui.tree_dock import TreeDock
app = create_app()
ctx = AppContext(QSettings(sys.argv[2], QSettings.Format.IniFormat))
ctx.set_database(open_database_blocking(config.parse_db_url("sqlite:///" + sys.argv[1])))
base_rss = rss_kb()
start = time.perf_counter()
dock, pane = TreeDock(ctx), TenantsPane(ctx)
dock.reload()
for w in (dock, pane):
    w.resize(640, 800); w.show()
for _ in range(3):
    app.processEvents(); ctx.tasks.wait_idle()
dock.grab(); pane.grab()
assert pane.model.total == 20000, pane.model.total
assert sum(n.rooms_total for n in dock.model.roots) == 5000
print(json.dumps({"seconds": time.perf_counter() - start, "kb": rss_kb() - base_rss}))
"""


def _run(script: str, *args: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _best(script: str, *args: str) -> dict[str, float]:
    runs = [_run(script, *args) for _ in range(RUNS)]
    return {key: min(r[key] for r in runs) for key in runs[0]}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coliv_desktop.services import demo
    from coliv_desktop.services.databases import open_database as open_database_blocking

    path = tmp_path_factory.mktemp("bench") / "demo.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    demo.load_demo(opened.db, opened.actor)
    opened.db.dispose()
    return path


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 properties x 25 units x 4 rooms = 5,000 rooms; 20,000 tenants; 4,000 leases."""
    from coliv_desktop.db.models import Property, Room, Tenant, Unit
    from coliv_desktop.schemas.leasing import LeaseCreate
    from coliv_desktop.services.clock import today
    from coliv_desktop.services.context import ensure_owner, writing
    from coliv_desktop.services.databases import open_database as open_database_blocking
    from coliv_desktop.services.leasing import create_lease_in

    path = tmp_path_factory.mktemp("bench") / "big.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    db, actor = opened.db, opened.actor
    day = today()
    with writing(db, actor, "portfolio.write") as s:
        operator, _ = ensure_owner(s)
        rooms = []
        for p in range(50):
            prop = Property(operator_id=operator.id, name=f"Property {p:02d}",
                            address=f"{p} Main St", city="Austin", state="TX", zip="78701")
            s.add(prop)
            s.flush()
            for u in range(25):
                unit = Unit(property_id=prop.id, unit_number=f"{u + 1:02d}", bedrooms=4,
                            bathrooms=Decimal("2"))
                s.add(unit)
                s.flush()
                for letter in "ABCD":
                    room = Room(unit_id=unit.id, room_number=letter,
                                rent_amount=Decimal("700.00"))
                    s.add(room)
                    rooms.append(room)
        people = [Tenant(first_name=f"Tenant{i:05d}", last_name=f"Family{i % 997:03d}",
                         email=f"t{i}@example.com", phone=f"512-555-{i % 10000:04d}")
                  for i in range(20_000)]
        s.add_all(people)
        s.flush()
        for i, room in enumerate(rooms[:4000]):
            create_lease_in(s, actor, LeaseCreate(
                room_id=room.id, tenant_id=people[i].id, lease_start=day - timedelta(days=30),
                lease_end=day + timedelta(days=30 + i % 300)))
    db.dispose()
    return path


def test_cold_start_against_a_bare_window(demo_db: Path, tmp_path: Path) -> None:
    """Cold start to an interactive main window: from the interpreter's start (before any
    import) until the window, as `coliv --db URL` starts it (`ui.app.launch`: the window
    shown first, the database opened in a worker), is 1280x800 on screen with its menus, side
    bar and property tree; the database is open (named in the title and status bar, its
    actions enabled); and the dashboard pane shows that database's figures: the cards, the
    table and both charts painted (grabbed) with the demo portfolio's data (14/23 rooms
    occupied), the tree filled with its properties. The floor: a bare QMainWindow with a
    QTreeView and a QTableView over a few items, shown and grabbed, from the same point."""
    floor = _best(BARE_START)["seconds"]
    ours = _best(OUR_START, f"sqlite:///{demo_db}", str(tmp_path / "s.ini"))["seconds"]
    ratio = ours / floor
    print(f"\ncold start to interactive window (demo db): {ours:.2f} s; bare PySide6 window "
          f"with tree and table: {floor:.2f} s; ratio {ratio:.2f}x (goal <= 2x)")
    assert ratio <= 2.0


def test_tree_and_tenants_pane_at_scale(big_db: Path, tmp_path: Path) -> None:
    floor = _best(BARE_LIST, str(big_db))
    ours = _best(OUR_LIST, str(big_db), str(tmp_path / "s.ini"))
    time_ratio = ours["seconds"] / floor["seconds"]
    memory_ratio = ours["kb"] / max(floor["kb"], 1)
    print(f"\ntree + tenants pane, 5,000 rooms / 20,000 tenants: first paint "
          f"{ours['seconds'] * 1000:.0f} ms vs bare QTableView over the same rows in memory "
          f"{floor['seconds'] * 1000:.0f} ms: ratio {time_ratio:.2f}x (goal <= 3x); memory "
          f"{ours['kb'] / 1024:.1f} MiB vs {floor['kb'] / 1024:.1f} MiB: ratio "
          f"{memory_ratio:.2f}x (goal <= 3x)")
    assert time_ratio <= 3.0
    assert memory_ratio <= 3.0
