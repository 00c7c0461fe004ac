"""Spreadsheet import benchmark (issue 15 item 9): 50,000 room rows and 50,000 lease rows
imported with every check, as a ratio to the floor measured in the same run: reading the same
CSV files with `csv.reader` plus a raw sqlite3 executemany of the same rows into a copy of
the same book. Memory: tracemalloc's peak over a second import (tracemalloc slows Python, so
the timed run is without it).

    python3 packaging/bootstrap.py bench -k sheet
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.services.context import local_actor
from coliv_desktop.services.sheet_import import SheetOptions, import_sheet

pytestmark = pytest.mark.benchmark

ROWS = 50_000
PROPERTIES, UNITS, ROOMS = 500, 25, 4  # 500 x 25 x 4 = 50,000 rooms
GOAL = 10


def _files(folder: Path) -> tuple[Path, Path]:
    rooms, leases = io.StringIO(), io.StringIO()
    r = csv.writer(rooms)
    r.writerow(["Property", "Address", "City", "State", "ZIP", "Unit", "Room", "Rent",
                "Size (sq ft)"])
    le = csv.writer(leases)
    le.writerow(["Email", "Property", "Unit", "Room", "Start", "End", "Rent", "Deposit"])
    n = 0
    for p in range(PROPERTIES):
        for u in range(UNITS):
            for room in "ABCD"[:ROOMS]:
                r.writerow([f"House {p:03d}", f"{p} Main St", "Austin", "TX", "78701",
                            f"{u + 1:02d}", room, f"${700 + n % 300:,}.50", 100 + n % 50])
                start = date(2025, 1, 1) + timedelta(days=n % 300)
                le.writerow([f"t{n}@example.com", f"House {p:03d}", f"{u + 1:02d}", room,
                             start.isoformat(), (start + timedelta(days=364)).isoformat(),
                             f"{700 + n % 300}.50", "500.00"])
                n += 1
    assert n == ROWS
    paths = folder / "rooms.csv", folder / "leases.csv"
    paths[0].write_text(rooms.getvalue(), encoding="utf-8")
    paths[1].write_text(leases.getvalue(), encoding="utf-8")
    return paths


def _tenants(db: Database) -> None:
    """The leases' tenants, in the book before (their import is not measured)."""
    now = datetime.now(UTC)
    with db.write() as s:
        s.execute(insert(Tenant), [
            {"id": uuid.uuid4(), "first_name": "T", "last_name": str(i),
             "email": f"t{i}@example.com", "created_at": now, "updated_at": now}
            for i in range(ROWS)])


def _sql(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[]"
    if isinstance(value, bool):
        return int(value)
    return value


TABLES = [(Property, ["id", "operator_id", "name", "address", "city", "state", "zip",
                      "amenities", "created_at", "updated_at", "version"]),
          (Unit, ["id", "property_id", "unit_number", "bedrooms", "bathrooms", "furnished",
                  "created_at", "updated_at", "version"]),
          (Room, ["id", "unit_id", "room_number", "room_type", "beds", "size_sqft",
                  "has_private_bath", "rent_amount", "status", "created_at", "updated_at",
                  "version"]),
          (Lease, ["id", "room_id", "tenant_id", "bed", "lease_start", "lease_end",
                   "rent_amount", "deposit_amount", "status", "origin", "created_at",
                   "updated_at", "version"])]


def _rows_written(db: Database) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """The rows our import wrote, as sqlite3 takes them (money in cents), per table."""
    out = []
    with db.read() as s:
        for model, names in TABLES:
            columns = [getattr(model, n) for n in names]
            rows = []
            for row in s.execute(select(*columns)):
                values = []
                for name, value in zip(names, row, strict=True):
                    if name in ("rent_amount", "deposit_amount"):
                        value = int(value * 100)
                    elif name == "bathrooms":
                        value = str(value)
                    values.append(_sql(value))
                rows.append(tuple(values))
            out.append((model.__tablename__, names, rows))
    return out


def _floor(path: Path, files: tuple[Path, Path],
           tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]) -> float:
    """csv.reader over both files, then one executemany per table of the same rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    for file in files:
        with file.open(encoding="utf-8", newline="") as handle:
            parsed = sum(1 for _ in csv.reader(handle))
        assert parsed == ROWS + 1
    conn.execute("BEGIN IMMEDIATE")
    for table, names, rows in tables:
        conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                         f"({', '.join('?' for _ in names)})", rows)
    conn.execute("COMMIT")
    floor = time.perf_counter() - started
    conn.close()
    return floor


def _book(template: Path, path: Path) -> Database:
    shutil.copy(template, path)
    return Database(make_url(f"sqlite:///{path}"))


def test_import_50000_rooms_and_leases(tmp_path: Path, sqlite_template: Path) -> None:
    files = _files(tmp_path)
    db = _book(sqlite_template, tmp_path / "bench.db")
    actor = local_actor(db)
    _tenants(db)
    floor_path = tmp_path / "floor.db"
    shutil.copy(tmp_path / "bench.db", floor_path)
    memory_path = tmp_path / "memory.db"
    shutil.copy(tmp_path / "bench.db", memory_path)

    started = time.perf_counter()
    rooms = import_sheet(db, actor, "rooms", files[0])
    rooms_time = time.perf_counter() - started
    leases = import_sheet(db, actor, "leases", files[1], SheetOptions(date_order="ymd"))
    ours = time.perf_counter() - started
    assert rooms.problems == [] and leases.problems == []
    assert rooms.created == {"properties": PROPERTIES, "units": PROPERTIES * UNITS,
                             "rooms": ROWS}
    assert leases.created == {"leases": ROWS}
    tables = _rows_written(db)
    db.dispose()
    floor = _floor(floor_path, files, tables)
    ratio = ours / floor
    print(f"\n[bench] import {ROWS:,} room rows ({rooms_time:.2f}s) and {ROWS:,} lease rows "
          f"({ours - rooms_time:.2f}s) with validation: ours {ours:.2f}s, floor (csv.reader + "
          f"sqlite3 executemany of the same rows) {floor:.2f}s, ratio {ratio:.1f}x "
          f"(goal <= {GOAL}x: {'meets' if ratio <= GOAL else 'MISSES'})")

    again = Database(make_url(f"sqlite:///{memory_path}"))
    tracemalloc.start()
    import_sheet(again, actor, "rooms", files[0])
    rooms_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    import_sheet(again, actor, "leases", files[1], SheetOptions(date_order="ymd"))
    leases_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    again.dispose()
    size = sum(f.stat().st_size for f in files)
    print(f"[bench] memory (tracemalloc peak): rooms {rooms_peak / 2**20:.0f} MiB, leases "
          f"{leases_peak / 2**20:.0f} MiB, for {size / 2**20:.1f} MiB of CSV")
