"""Keyset paging over 1,000,000 ledger entries (issue 11 item 2): any page as fast as the first.

    python3 packaging/bootstrap.py bench -k keyset

The floor is the first page, measured in the same run on the same database: the middle page
(entries 500,000-500,199, from its anchor) and the last page (read from the end) are printed
as a ratio to it, for the ledger sorted by day and by amount, both directions. Goal: the
middle page within 1.5x of the first. Also printed, for scale: the one-time pass that finds
the page anchors (the cursor every 200 entries, run once per query and order in the
background after the first page is shown), the next page from the middle one's cursor, and
the middle page by OFFSET (what a jump costs until the anchors are in, and what every page
cost before). The pages are timed in turn, round after round; each figure is the best of
`RUNS`.

SQLite always; PostgreSQL too when COLIV_TEST_PG_URL is set (the same million rows are
copied into a fresh database with COPY, about a minute and a half).
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest
from sqlalchemy import Boolean
from sqlalchemy.engine import URL, make_url

from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import upgrade
from coliv_desktop.db.models import Base
from coliv_desktop.schemas.ledger import LedgerEntryRow
from coliv_desktop.services import ledger_list
from coliv_desktop.services.keyset import Seek, Slice
from coliv_desktop.services.ledger_list import LedgerQuery
from tests.benchmarks.test_ledger_pane import ENTRIES, build_ledger
from tests.builders import OWNER
from tests.conftest import PG_ENV, create_pg_database, drop_pg_database

pytestmark = pytest.mark.benchmark

RUNS = 9
PAGE = 200
GOAL = 1.5
T = TypeVar("T")


def best(fn: Callable[[], T], runs: int = RUNS) -> tuple[T, float]:
    times = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, min(times)


def fill_postgres(source: Path, url: URL) -> None:
    """Every row of the SQLite file `source` into the migrated, empty database at `url`, by
    COPY (values in their stored form: hex ids, ISO dates, cents), then ANALYZE."""
    lite = sqlite3.connect(source)
    pg_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(pg_url) as pg:
        pg.execute("SET TIME ZONE 'UTC'")
        for table in Base.metadata.sorted_tables:
            names = [c.name for c in table.columns]
            listed = ", ".join(f'"{n}"' for n in names)
            rows = lite.execute(f"SELECT {listed} FROM {table.name}")
            booleans = {i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)}
            with pg.cursor().copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    if booleans:
                        row = tuple(bool(v) if i in booleans and v is not None else v
                                    for i, v in enumerate(row))
                    copy.write_row(row)
        pg.commit()
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")
    lite.close()


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keyset") / "ledger.db"
    assert build_ledger(path) == ENTRIES
    return path


@pytest.fixture(scope="module")
def million_pg(million: Path) -> Iterator[URL | None]:
    if not os.environ.get(PG_ENV):
        yield None
        return
    url = create_pg_database(f"coliv_keyset_{uuid.uuid4().hex[:8]}")
    upgrade(url)
    engine = Database(url)
    with engine.write() as s:  # the migrated database's own rows make way for the file's
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(table.delete())
    engine.dispose()
    started = time.perf_counter()
    fill_postgres(million, url)
    print(f"\n[bench] PostgreSQL filled with {ENTRIES:,} entries in "
          f"{time.perf_counter() - started:.0f} s")
    yield url
    drop_pg_database(url)


def figures(db: Database, sort: str, descending: bool) -> float:
    """Print one order's figures; return its middle/first ratio. The pages are timed in turn,
    `RUNS` rounds, so a busy moment on the machine weighs on all of them alike."""
    q = LedgerQuery()
    middle_page = ENTRIES // PAGE // 2  # page 2,500: entries 500,000 to 500,199
    anchors, anchor_time = best(
        lambda: ledger_list.ledger_anchors(db, OWNER, q, sort, descending, PAGE), 1)
    assert len(anchors) == ENTRIES // PAGE
    middle_seek = Seek(anchors[middle_page], inclusive=True)
    middle_last = ledger_list.ledger_seek(db, OWNER, q, sort, descending, middle_seek).last
    cases: dict[str, Callable[[], Slice[LedgerEntryRow]]] = {
        "first": lambda: ledger_list.ledger_seek(db, OWNER, q, sort, descending),
        "middle": lambda: ledger_list.ledger_seek(db, OWNER, q, sort, descending, middle_seek),
        "last": lambda: ledger_list.ledger_seek(db, OWNER, q, sort, descending,
                                                Seek(backwards=True)),
        "next": lambda: ledger_list.ledger_seek(db, OWNER, q, sort, descending, Seek(middle_last)),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    pages: dict[str, Slice[LedgerEntryRow]] = {}
    for _ in range(RUNS):
        for name, read in cases.items():
            started = time.perf_counter()
            pages[name] = read()
            times[name].append(time.perf_counter() - started)
    first, middle, last, after = (min(times[n]) for n in ("first", "middle", "last", "next"))
    by_offset, offset_time = best(lambda: ledger_list.ledger_page(
        db, OWNER, q, sort, descending, middle_page * PAGE, PAGE), 3)
    assert [r.id for r in pages["middle"].rows] == [r.id for r in by_offset]  # the same page
    assert all(len(page.rows) == PAGE for page in pages.values())
    ratio = middle / first
    verdict = "meets" if ratio <= GOAL else "MISSES"
    order = "descending" if descending else "ascending"
    print(f"  by {sort:6} {order:10}: first {first * 1000:5.1f} ms (floor), "
          f"middle {middle * 1000:5.1f} ms = {ratio:.2f}x (goal <= {GOAL}x: {verdict}), "
          f"last {last * 1000:5.1f} ms = {last / first:.2f}x, "
          f"next {after * 1000:5.1f} ms = {after / first:.2f}x; "
          f"anchors once {anchor_time:.2f} s; middle by OFFSET {offset_time * 1000:.0f} ms "
          f"= {offset_time / first:.0f}x")
    return ratio


def measure(db: Database, label: str) -> list[float]:
    """Print the figures of one engine; return the middle/first ratios."""
    assert ledger_list.ledger_count(db, OWNER, LedgerQuery()) == ENTRIES
    ledger_list.ledger_seek(db, OWNER, LedgerQuery())  # connect and warm up before any clock runs
    print(f"\n[bench] ledger pages of {PAGE}, {ENTRIES:,} entries, {label} (best of {RUNS}):")
    return [figures(db, sort, descending) for sort, descending in [
        ("day", True), ("day", False), ("amount", True), ("amount", False)]]


def test_any_ledger_page_as_fast_as_the_first(million: Path, million_pg: URL | None) -> None:
    sqlite_db = Database(make_url(f"sqlite:///{million}"))
    ratios = measure(sqlite_db, "SQLite")
    sqlite_db.dispose()
    if million_pg is None:
        print(f"[bench] PostgreSQL not measured: set {PG_ENV} to include it")
    else:
        pg_db = Database(million_pg)
        ratios += measure(pg_db, "PostgreSQL")
        pg_db.dispose()
    assert max(ratios) <= GOAL
