"""Desktop benchmarks (item 11): run with `python3 packaging/bootstrap.py bench`.

Each compares our window with a bare PySide6 floor measured in the same run, in fresh
processes (min of several runs, so a busy neighbour on the machine counts least):

- start to our window painted (menus, side bar, empty tree) vs a bare QMainWindow with a
  QTreeView and a QTableView (goal <= 2x);
- start to the dashboard painted with the demo book's figures vs a floor window that imports
  SQLAlchemy's ORM and Pydantic and reads the properties table before showing (goal <= 2x);
- the property tree and the tenants pane on 5,000 rooms and 20,000 tenants: time to first
  paint and memory, vs a bare QTableView over an in-memory list of the same rows (goal <= 3x).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
from coliv_desktop.ui.shell.app import create_app, launch
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

OUR_WINDOW = COMMON + """
from PySide6.QtCore import QSettings
from coliv_desktop.ui.shell.app import create_app, launch
app = create_app()
ctx, win = launch(sys.argv[1], QSettings(sys.argv[2], QSettings.Format.IniFormat))
win.resize(1280, 800)
app.processEvents(); win.grab()
seconds = time.perf_counter() - T0
assert win.menuBar().actions(), "no menus"
assert win.tree.isVisible(), "no tree"
print(json.dumps({"seconds": seconds}))
ctx.tasks.wait_idle()
"""

ORM_FLOOR = COMMON + """
from PySide6.QtGui import QStandardItemModel, QStandardItem
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTreeView, QTableView
import pydantic
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
class Base(DeclarativeBase):
    pass
class Property(Base):
    __tablename__ = "properties"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    city: Mapped[str]
class PropertyOut(pydantic.BaseModel):
    name: str
    city: str
app = QApplication([])
win = QMainWindow()
split = QSplitter()
tree, table = QTreeView(), QTableView()
engine = create_engine("sqlite:///" + sys.argv[1])
with Session(engine) as session:
    rows = [PropertyOut(name=p.name, city=p.city) for p in session.scalars(select(Property))]
assert rows
model = QStandardItemModel()
for row in rows:
    model.appendRow([QStandardItem(row.name), QStandardItem(row.city)])
tree.setModel(model)
table.setModel(model)
split.addWidget(tree); split.addWidget(table)
win.setCentralWidget(split); win.resize(1280, 800); win.show()
app.processEvents(); win.grab()
print(json.dumps({"seconds": time.perf_counter() - T0}))
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
from coliv_desktop.ui.shell.app import create_app
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.tenants.pane import TenantsPane
from coliv_desktop.ui.shell.tree_dock import TreeDock
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


def test_start_window_against_a_bare_window(demo_db: Path, tmp_path: Path) -> None:
    """Goal 4a: from the interpreter's start (before any import) until our window, as
    `coliv --db URL` starts it (`ui.shell.app.launch`), is painted 1280x800 with its menus, side bar
    and (still empty) property tree, against a bare QMainWindow with a QTreeView and a
    QTableView over a few items, shown and grabbed from the same point."""
    floor = _best(BARE_START)["seconds"]
    ours = _best(OUR_WINDOW, f"sqlite:///{demo_db}", str(tmp_path / "s.ini"))["seconds"]
    ratio = ours / floor
    print(f"\nstart to the window painted: {ours:.3f} s; bare PySide6 window with tree and "
          f"table: {floor:.3f} s; ratio {ratio:.2f}x (goal <= 2x)")
    assert ratio <= 2.0


def test_start_dashboard_against_an_orm_floor(demo_db: Path, tmp_path: Path) -> None:
    """Goal 4b: from the interpreter's start until the dashboard is painted with the demo
    book's figures (cards and table grabbed, 14/23 rooms occupied; the charts follow a moment
    later, as the issue allows) and the tree holds
    its properties, against a floor window that imports SQLAlchemy's ORM and Pydantic, reads
    the properties table through a mapped class, and shows them in a table before painting."""
    floor = _best(ORM_FLOOR, str(demo_db))["seconds"]
    ours = _best(OUR_START, f"sqlite:///{demo_db}", str(tmp_path / "s.ini"))["seconds"]
    ratio = ours / floor
    print(f"\nstart to the dashboard painted with the book's figures: {ours:.3f} s; floor "
          f"(PySide6 + SQLAlchemy ORM + Pydantic, properties read and shown): {floor:.3f} s; "
          f"ratio {ratio:.2f}x (goal <= 2x)")
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
