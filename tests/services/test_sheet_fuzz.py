"""Generated spreadsheets (issue 15 item 8), on both engines: CSVs in every common encoding and
delimiter, quoted or not, with title rows and blank lines, amounts and dates written either
way, formula-looking text, wrong types and huge cells. A bad file lists exactly its bad rows
(row number as the file numbers it, and the column) and leaves the book as it was, compared
by a whole export before and after; a good file imports, and the export gives back the same
values."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coliv_desktop.db.engine import Database
from coliv_desktop.services import portability, sheet_export
from coliv_desktop.services.context import Actor
from coliv_desktop.services.sheet_import import SheetOptions, import_sheet

HEADER = ["Property", "Address", "City", "State", "ZIP", "Unit", "Room", "Rent",
          "Size (sq ft)", "Available from"]
BAD = {"Rent": ["abc", "12.3.4", "1e5", "9" * 12_000], "Size (sq ft)": ["big", "1.5"],
       "Available from": ["2026-13-45", "soon"], "Room": [""]}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzéüñ '&-"


@dataclass
class Row:
    prop: int
    unit: str
    rent: Decimal
    size: int | None
    available: date | None
    bad: tuple[str, str] | None  # (column, cell) written instead of the good value


def _amount(value: Decimal, mark: str, style: int) -> str:
    whole, cents = f"{value:.2f}".split(".")
    if style == 0:
        return f"{whole}{mark}{cents}"
    group = "," if mark == "." else "."
    grouped = f"{int(whole):,}".replace(",", group)
    return f"${grouped}{mark}{cents}" if mark == "." else f"{grouped}{mark}{cents} €"


def _day(day: date, order: str) -> str:
    if order == "ymd":
        return day.isoformat()
    if order == "mdy":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


rows_strategy = st.lists(st.builds(
    Row, prop=st.integers(0, 1), unit=st.sampled_from(["1", "2B"]),
    rent=st.integers(0, 900_000).map(lambda c: Decimal(c) / 100),
    size=st.one_of(st.none(), st.integers(1, 900)),
    available=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2030, 12, 31))),
    bad=st.one_of(st.none(), st.none(), st.none(), st.sampled_from(
        [(column, cell) for column, cells in BAD.items() for cell in cells]))),
    min_size=1, max_size=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=rows_strategy, names=st.lists(st.text(LETTERS, min_size=1, max_size=12),
                                          min_size=2, max_size=2),
       formula=st.sampled_from(["", "=", "+", "-", "@"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       delimiter=st.sampled_from([",", ";", "\t"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       title=st.booleans(), blank_every=st.integers(0, 3),
       mark=st.sampled_from([".", ","]), style=st.integers(0, 1),
       order=st.sampled_from(["ymd", "mdy", "dmy"]))
def test_generated_files(db: Database, actor: Actor, tmp_path: Path, rows: list[Row],
                         names: list[str], formula: str, encoding: str, delimiter: str,
                         quoting: int, title: bool, blank_every: int, mark: str, style: int,
                         order: str) -> None:
    tag = uuid.uuid4().hex[:8]
    props = [f"{formula}{name.strip() or 'House'} {tag}{i}" for i, name in enumerate(names)]
    lines: list[list[str]] = []
    if title:
        lines.append([f"Rooms exported {tag}"])
    lines.append(HEADER)
    expected_bad: set[tuple[int, str]] = set()
    good: list[tuple[object, ...]] = []
    for index, row in enumerate(rows):
        if blank_every and index and index % blank_every == 0:
            lines.append([])
        cells = {"Property": props[row.prop], "Address": f"{formula}{row.prop} Main St",
                 "City": "Austin", "State": "TX", "ZIP": "78701", "Unit": row.unit,
                 "Room": f"R{index}", "Rent": _amount(row.rent, mark, style),
                 "Size (sq ft)": "" if row.size is None else str(row.size),
                 "Available from": "" if row.available is None else _day(row.available, order)}
        if row.bad is not None:
            column, cell = row.bad
            cells[column] = cell
            number = len(lines) + 1  # the row it lands on, as a spreadsheet numbers it
            expected_bad.add((number, column))
        good.append((props[row.prop], f"{formula}{row.prop} Main St", row.unit, f"R{index}",
                     row.size, row.rent, row.available))
        lines.append([cells[h] for h in HEADER])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    for line in lines:
        writer.writerow(line) if line else out.write("\r\n")
    path = tmp_path / f"{tag}.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    options = SheetOptions(date_order=order, decimal_mark=mark)
    before = portability.export_data(db, actor)
    result = import_sheet(db, actor, "rooms", path, options)
    found = {(p.row, p.column) for p in result.problems}
    if expected_bad:
        assert found == expected_bad, result.problems
        assert not result.written
        assert portability.export_data(db, actor) == before
        return
    assert result.problems == [] and result.written
    exported = [(r[0], r[1], r[5], r[11], r[14], r[16], r[17])
                for r in sheet_export.sheet_rows(db, actor, "rooms") if str(r[0]).endswith(
                    tuple(f"{tag}{i}" for i in range(2)))]
    assert sorted(exported, key=str) == sorted(good, key=str)
    # and the export, read back, is the same again (all matched, nothing new)
    again = tmp_path / f"{tag}-again.xlsx"
    sheet_export.export_sheet(db, actor, "rooms", again)
    assert import_sheet(db, actor, "rooms", again).created["rooms"] == 0
