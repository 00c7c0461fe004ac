"""The paged list model over keyset paging: neighbours by cursor, jumps by anchors (by skipping
from the nearer end until they are in), and the ledger pane scrolled to the middle and to the
end of a long ledger showing exactly the entries of one full ORDER BY, on both engines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select

from coliv_desktop.db.models import Charge, Operator, Payment
from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.services import ledger_list
from coliv_desktop.services.ledger_list import LedgerQuery
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models import Column, PagedQueryModel
from coliv_desktop.ui.common.models.paged import PLACEHOLDER, plan
from coliv_desktop.ui.ledger.pane import LedgerPane
from tests.builders import flow_41, lease, tenant


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    rent: Decimal


COLUMNS: list[Column[Item]] = [
    Column("name", "Name", lambda r: r.name, sort="name"),
    Column("rent", "Rent", lambda r: r.rent, kind="money", sort="rent"),
]


class KeysetSource:
    """A list behind seek/anchors/count, paged the way the services page (the key, then the
    id), recording every read."""

    def __init__(self, size: int) -> None:
        self.data = [Item(i, f"tenant {i:05d}", Decimal(i % 7)) for i in range(size)]  # ties
        self.seeks: list[tuple[str, Seek, int]] = []
        self.anchor_reads: list[tuple[str, str, bool]] = []

    def ordered(self, search: str, sort: str, desc: bool) -> list[tuple[Any, Item]]:
        rows = [r for r in self.data if search in r.name]
        keyed = [((r.rent if sort == "rent" else r.name, r.id), r) for r in rows]
        keyed.sort(key=lambda pair: pair[0], reverse=desc)
        return keyed

    def seek(self, search: str, sort: str, desc: bool, seek: Seek, limit: int) -> Slice[Item]:
        self.seeks.append((search, seek, limit))
        keyed = self.ordered(search, sort, desc)
        keys = [k for k, _ in keyed]
        if seek.backwards:
            end = len(keyed) if seek.cursor is None else (
                keys.index(seek.cursor.values) + (1 if seek.inclusive else 0))
            end -= seek.skip
            chosen = keyed[max(end - limit, 0):max(end, 0)]
        else:
            begin = 0 if seek.cursor is None else (
                keys.index(seek.cursor.values) + (0 if seek.inclusive else 1))
            begin += seek.skip
            chosen = keyed[begin:begin + limit]
        if not chosen:
            return Slice([])
        return Slice([r for _, r in chosen], Cursor(chosen[0][0]), Cursor(chosen[-1][0]))

    def anchors(self, search: str, sort: str, desc: bool, every: int) -> list[Cursor]:
        self.anchor_reads.append((search, sort, desc))
        return [Cursor(k) for k, _ in self.ordered(search, sort, desc)[::every]]

    def count(self, search: str) -> int:
        return sum(1 for r in self.data if search in r.name)


def model_over(source: KeysetSource, **options: Any) -> PagedQueryModel[Item]:
    return PagedQueryModel(COLUMNS, None, source.count, seek=source.seek,
                           anchors=source.anchors, page_size=100, **options)


def names(model: PagedQueryModel[Item], rows: range) -> list[str]:
    return [model.index(r, 0).data() for r in rows]


def test_pages_come_from_their_neighbours_and_jumps_from_anchors(qtbot: QtBot) -> None:
    source = KeysetSource(100_000)
    model = model_over(source, cache_pages=4)
    model.reload()
    assert model.rowCount() == 100_000
    assert source.seeks == [("", Seek(), 100)]  # the first page, from the start
    assert source.anchor_reads == [("", "name", False)]  # a long list: its anchors, once
    assert model.anchors is not None and len(model.anchors) == 1000
    first_page_last = model.row(99)
    assert names(model, range(150, 152)) == ["tenant 00150", "tenant 00151"]
    assert source.seeks[-1] == ("", Seek(Cursor(("tenant 00099", 99))), 100)  # its neighbour
    # the middle and the end: each from its anchor, whatever its position
    assert names(model, range(50_000, 50_002)) == ["tenant 50000", "tenant 50001"]
    assert source.seeks[-1] == ("", Seek(Cursor(("tenant 50000", 50_000)), inclusive=True),
                                100)
    assert names(model, range(99_998, 100_000)) == ["tenant 99998", "tenant 99999"]
    assert source.seeks[-1][1].cursor == Cursor(("tenant 99900", 99_900))
    assert all(seek.skip == 0 for _, seek, _ in source.seeks)  # nothing counted its way
    for page in range(10):  # memory stays flat: at most cache_pages pages are kept
        model.index(page * 100 + 5, 0).data()
    assert len(model.rows) == 4 * 100 and model.cached_row(5) is None
    assert first_page_last == source.data[99]
    # back to page 0, its rows dropped: from page 1's cursor, which the model kept
    assert names(model, range(0, 2)) == ["tenant 00000", "tenant 00001"]
    assert source.seeks[-1] == ("", Seek(Cursor(("tenant 00100", 100)), backwards=True), 100)


def test_until_the_anchors_are_in_a_jump_skips_from_the_nearer_end(qtbot: QtBot) -> None:
    source = KeysetSource(10_050)
    model = model_over(source, anchor_from=1_000_000)  # no anchors for this list
    model.reload()
    assert source.anchor_reads == [] and model.anchors is None
    assert names(model, range(3000, 3001)) == ["tenant 03000"]  # skipping from page 0's end
    assert source.seeks[-1] == ("", Seek(Cursor(("tenant 00099", 99)), skip=2900), 100)
    assert names(model, range(7000, 7001)) == ["tenant 07000"]  # nearer the end
    assert source.seeks[-1] == ("", Seek(backwards=True, skip=10_050 - 7100), 100)
    assert names(model, range(7100, 7101)) == ["tenant 07100"]  # then its neighbour
    assert source.seeks[-1][1] == Seek(Cursor(("tenant 07099", 7099)))
    assert names(model, range(3300, 3301)) == ["tenant 03300"]  # near a page read: from it
    assert source.seeks[-1][1] == Seek(Cursor(("tenant 03099", 3099)), skip=200)
    assert names(model, range(10_049, 10_050)) == ["tenant 10049"]  # the last, short page
    assert source.seeks[-1] == ("", Seek(backwards=True), 50)
    assert model.cached_row(10_000) == source.data[10_000]


def test_sorting_and_searching_read_new_anchors_and_older_ones_are_dropped(
        qtbot: QtBot) -> None:
    source = KeysetSource(30_000)
    waiting: list[tuple[Any, Any]] = []

    def run(fn: Any, done: Any) -> None:  # a worker that runs when the test says so
        waiting.append((fn, done))

    def finish() -> None:
        while waiting:
            fn, done = waiting.pop(0)
            done(fn(), None)

    model = model_over(source, run=run)
    model.reload()
    finish()
    assert model.rowCount() == 30_000 and model.anchors is None  # not yet: after a moment
    assert model.index(20_000, 0).data() == PLACEHOLDER
    qtbot.waitUntil(lambda: len(waiting) == 1)  # the page asked for, skipping from the end
    finish()
    assert source.seeks[-1][1] == Seek(backwards=True, skip=9_900)
    assert names(model, range(20_000, 20_001)) == ["tenant 20000"]
    with qtbot.waitSignal(model.anchors_arrived, timeout=5000):
        qtbot.waitUntil(lambda: bool(waiting))  # the anchors, in a worker, once shown
        finish()
    assert len(model.anchors or []) == 300
    model.sort(1, Qt.SortOrder.DescendingOrder)  # by rent, descending: new anchors
    finish()
    assert model.anchors is None
    qtbot.waitUntil(lambda: bool(waiting))
    model.set_search("tenant 1")
    model.reload()  # a newer query before the older one's anchors are in: they are dropped
    finish()
    assert source.anchor_reads[-1] == ("", "rent", True) and model.anchors is None
    qtbot.waitUntil(lambda: bool(waiting))
    finish()
    assert source.anchor_reads[-1] == ("tenant 1", "rent", True)
    assert model.anchors is not None and len(model.anchors) == 100
    expected = [r.name for _, r in source.ordered("tenant 1", "rent", True)]
    assert model.index(5_000, 0).data() == PLACEHOLDER
    qtbot.waitUntil(lambda: bool(waiting))
    finish()
    assert names(model, range(5_000, 5_003)) == expected[5_000:5_003]
    assert source.seeks[-1][1] == Seek(model.anchors[50], inclusive=True)


def test_plan_chooses_the_cheapest_read() -> None:
    a, b, c, d = (Cursor((n,)) for n in "abcd")
    assert plan(5, 10, 100, {4: (a, b)}, None) == Seek(b)
    assert plan(5, 10, 100, {6: (c, d)}, None) == Seek(c, backwards=True)
    assert plan(5, 10, 100, {}, [a] * 10) == Seek(a, inclusive=True)
    assert plan(2, 10, 100, {}, None) == Seek(skip=20)
    assert plan(8, 10, 95, {}, None) == Seek(backwards=True, skip=5)
    assert plan(9, 10, 95, {}, None) == Seek(backwards=True)  # the last page: 5 rows
    assert plan(5, 10, 100, {2: (a, b), 8: (c, d)}, None) == Seek(b, skip=20)
    assert plan(5, 10, 100, {7: (c, d)}, None) == Seek(c, backwards=True, skip=10)


# --- the ledger pane over a long ledger, on both engines -------------------------------------

ENTRIES = 2 * 1300


def long_ledger(ctx: AppContext) -> None:
    """1,300 charges and 1,300 payments over four leases, written in bulk: eight entries a
    day and four amounts, so days and amounts tie everywhere."""
    db, actor = ctx.db, ctx.actor
    flow = flow_41(db, actor)
    leases = [lease(db, actor, flow.rooms[room], tenant(db, actor, name), date(2020, 1, 1)).id
              for room, name in [("3B-A", "Ann"), ("3B-B", "Bob"), ("3B-C", "Cy"),
                                 ("3B-D", "Dee")]]
    now = datetime.now(UTC)
    with db.write() as s:
        operator = s.scalars(select(Operator.id)).one()
        s.execute(insert(Charge), [
            {"id": uuid.uuid4(), "lease_id": leases[i % 4], "kind": "other",
             "period": f"bulk-{i}", "due_date": date(2020, 1, 1) + timedelta(days=i // 4),
             "amount": Decimal(100 * (1 + i % 4)), "description": f"Item {i}",
             "created_by": "test", "created_at": now} for i in range(ENTRIES // 2)])
        s.execute(insert(Payment), [
            {"id": uuid.uuid4(), "operator_id": operator, "lease_id": leases[i % 4],
             "kind": "credit", "amount": Decimal(100 * (1 + i % 4)),
             "received_on": date(2020, 1, 1) + timedelta(days=i // 4), "note": "Bulk",
             "created_by": "test", "created_at": now} for i in range(ENTRIES // 2)])


def shown_ids(pane: LedgerPane, rows: range) -> list[uuid.UUID]:
    return [row.id for row in (pane.model.cached_row(r) for r in rows) if row is not None]


def scroll_to(qtbot: QtBot, pane: LedgerPane, row: int) -> None:
    proxy = pane.list.model()
    pane.list.scrollTo(proxy.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: pane.model.has_rows(range(row, min(row + 15, ENTRIES))),
                    timeout=10_000)


@pytest.mark.parametrize(("column", "sort", "descending"), [
    ("day", "day", True), ("amount", "amount", False), ("tenant", "tenant", True)])
def test_ledger_pane_scrolled_to_the_middle_and_the_end_shows_the_right_entries(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch, column: str,
        sort: str, descending: bool) -> None:
    long_ledger(ctx)
    seeks: list[Seek] = []
    real_seek = ledger_list.ledger_seek

    def recording(*args: Any) -> Any:
        seeks.append(args[5])
        return real_seek(*args)

    monkeypatch.setattr(ledger_list, "ledger_seek", recording)
    pane = LedgerPane(ctx)
    qtbot.addWidget(pane)
    pane.model.anchor_from = 1000  # this ledger counts as long
    pane.resize(1100, 700)
    pane.show()
    with qtbot.waitSignal(pane.model.anchors_arrived, timeout=20_000):
        pane.list.sortByColumn(pane.model.column_index(column),
                               Qt.SortOrder.DescendingOrder if descending
                               else Qt.SortOrder.AscendingOrder)
        pane.reload()
    assert (pane.model.sort_by, pane.model.descending) == (sort, descending)
    assert pane.model.rowCount() == ENTRIES
    everything = [r.id for r in ledger_list.ledger_page(ctx.db, ctx.actor, LedgerQuery(), sort,
                                                        descending, 0, ENTRIES)]
    assert shown_ids(pane, range(0, 20)) == everything[:20]
    middle = ENTRIES // 2
    scroll_to(qtbot, pane, middle)
    assert shown_ids(pane, range(middle, middle + 15)) == everything[middle:middle + 15]
    assert seeks[-1].cursor is not None and seeks[-1].skip == 0  # a seek, no rows counted
    pane.list.scrollToBottom()
    qtbot.waitUntil(lambda: pane.model.has_rows(range(ENTRIES - 15, ENTRIES)), timeout=10_000)
    assert shown_ids(pane, range(ENTRIES - 15, ENTRIES)) == everything[-15:]
    scroll_to(qtbot, pane, ENTRIES - 400)  # back up a page: its neighbour's cursor
    assert shown_ids(pane, range(ENTRIES - 400, ENTRIES - 385)) == everything[-400:-385]
    assert all(s.skip == 0 for s in seeks)
    ctx.tasks.wait_idle()
