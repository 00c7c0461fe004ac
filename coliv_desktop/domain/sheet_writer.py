"""Writing rows to CSV and XLSX (issue 15): one writer for every table pane's export, the
`export-sheet` kinds and the reports' CSVs.

Text cells that a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, `@`, a tab
or a carriage return) are neutralised with a leading apostrophe (OWASP's advice for CSV
injection); numbers and dates are never text, so a negative amount stays a number. In XLSX,
money is a number with two decimals and dates are dates; in CSV, money is plain digits with a
"." ("1200.50") and dates are YYYY-MM-DD, what every spreadsheet and our importer read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
Kind = Literal["text", "money", "date", "int"]


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "text"


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never run: a leading apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain(value: Any, kind: Kind) -> Any:
    """A cell's value for XLSX: numbers and dates typed, text neutralised."""
    if value is None or value == "":
        return None
    if kind == "money" and isinstance(value, Decimal | int):
        return Decimal(value).quantize(Decimal("0.01"))
    if kind == "int" and isinstance(value, int):
        return value
    if kind == "date" and isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return neutralise(str(value))


def _csv_text(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal | int):
        return f"{Decimal(value):.2f}"
    if kind == "int" and isinstance(value, int):
        return str(value)
    if kind == "date" and isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return neutralise(str(value))


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), comma separated, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.title) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(value, c.kind) for value, c in zip(row, columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]],
               title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value, column in zip(row, columns, strict=True):
            cell = WriteOnlyCell(sheet, value=_plain(value, column.kind))
            if column.kind == "money":
                cell.number_format = MONEY_FORMAT
            elif column.kind == "date":
                cell.number_format = DATE_FORMAT
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it begins with
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip() or "Sheet1"
    return cleaned[:31]


def sheet_bytes(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                title: str = "Sheet1") -> bytes:
    """XLSX for a name ending in .xlsx, else CSV."""
    if path.suffix.lower() == ".xlsx":
        return xlsx_bytes(columns, rows, title)
    return csv_bytes(columns, rows)


def write_sheet(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                title: str = "Sheet1") -> Path:
    """Write the rows to `path` (CSV or XLSX by its ending), atomically."""
    from coliv_desktop.files import write_atomically

    return write_atomically(path, sheet_bytes(path, columns, rows, title))
