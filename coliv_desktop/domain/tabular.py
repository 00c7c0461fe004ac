"""Reading a spreadsheet the way people save them (issue 15): CSV in any common encoding and
delimiter, detected and overridable, or an XLSX sheet; every cell as text (an XLSX date as
YYYY-MM-DD, a number as its plain digits), with the row number the person sees in their
program, blank lines skipped, a byte-order mark and trailing spaces dropped.

One reader for every import of rows: bank CSV statements and the spreadsheet import kinds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from coliv_desktop.domain.errors import FileProblem, ValidationError

DELIMITERS = (",", ";", "\t", "|")
# Tried in order when the bytes are not UTF-8: the Windows and Mac code pages spreadsheets
# write ("cp1252" reads any byte, so it is last; charset-normalizer chooses among the rest).
ENCODINGS = ("utf-8", "utf-16", "cp1252", "latin-1", "mac_roman")
MAX_CELL = 10_000  # characters: a longer cell is a pasted file, not a value
MAX_COLUMNS = 200
csv.field_size_limit(MAX_CELL * 4)


@dataclass
class Sheet:
    """Rows of text cells. `rows` pairs each row with its number in the file (1-based,
    counting the blank lines that were skipped, as a spreadsheet program numbers them)."""

    rows: list[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    sheet_names: list[str] = field(default_factory=list)

    def header_index(self) -> int:
        """The position in `rows` of the header: the first row with at least two filled
        cells and at least half as many as the widest row (a title above the table, or a
        merged header cell, has one)."""
        widest = max((_filled(cells) for _, cells in self.rows), default=0)
        for index, (_, cells) in enumerate(self.rows):
            if _filled(cells) >= max(2, (widest + 1) // 2):
                return index
        return 0


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell)


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV file's bytes: a byte-order mark says it, else UTF-8 if the
    bytes are valid UTF-8, else charset-normalizer's best guess among the common ones."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_utf16(data):
        return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    try:
        # Windows' code page is what Excel writes a "CSV" in outside UTF-8; charset-normalizer
        # would often call the same bytes Mac Roman or Latin-1 and turn "é" into "È".
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=list(ENCODINGS[2:])).best()
    return best.encoding if best is not None else "cp1252"


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte NUL in ASCII text."""
    sample = data[:2000]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return odd.count(0) > len(odd) * 0.4 or even.count(0) > len(even) * 0.4


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number of cells, more than
    one; ties go to the one giving more cells, then to the order of `DELIMITERS`."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:  # a huge or broken cell: the reading itself will name its row
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_NOT_TEXT = "is not a text (CSV) file: its bytes read as no common encoding (a binary file?)"


def _binary(text: str) -> bool:
    """Text decoded from a binary file: control characters other than tab and line breaks
    (NUL apart: UTF-16 read as one byte a character, said below)."""
    sample = text[:4000]
    odd = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\x00\x0c")
    return odd > max(2, len(sample) // 100)


def _clean(value: str, row_number: int, column: int) -> str:
    """A cell without its surrounding spaces (and a stray byte-order mark). A cell longer
    than `MAX_CELL` is kept for the reader of the rows to name (with its row and column);
    one longer than four times that stops the CSV reader, naming its row."""
    return value.strip().strip("\ufeff").strip()


def read_csv(data: bytes, *, encoding: str | None = None,
             delimiter: str | None = None) -> Sheet:
    """A CSV file's rows. `encoding` and `delimiter` override what is detected."""
    chosen = encoding or detect_encoding(data)
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError) as exc:
        if encoding is None:  # no encoding reads it: a program, an image, a ZIP...
            raise ValidationError("file", _NOT_TEXT) from None
        raise ValidationError("encoding", f"the file is not {chosen} text ({exc})") from None
    text = text.lstrip("\ufeff")
    if encoding is None and _binary(text):
        raise ValidationError("file", _NOT_TEXT)
    if "\x00" in text:
        raise ValidationError("encoding", f"the file read as {chosen} holds NUL characters: "
                              "choose its encoding (UTF-16?)")
    sep = delimiter or detect_delimiter(text)
    if len(sep) != 1:
        raise ValidationError("delimiter", f"{sep!r} is not one character")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    # A row's number counts records, blank ones included, as a spreadsheet program shows
    # the file (a quoted cell may hold a line break without starting a new row).
    number = 0
    try:
        for record in reader:
            number += 1
            cells = [_clean(value, number, index) for index, value in enumerate(record)]
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(f"row {number}", f"has {len(cells)} columns (at most "
                                      f"{MAX_COLUMNS})")
            if any(cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise ValidationError(f"row {number + 1}", f"cannot be read as CSV ({exc})") from None
    return Sheet(rows, encoding=chosen, delimiter=sep)


def xlsx_cell_text(value: Any) -> str:
    """An XLSX cell as text: a date as YYYY-MM-DD (a time of midnight dropped), a whole
    number without ".0", a fraction as its shortest exact digits."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number)
    return str(value)


def xlsx_sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = _open_workbook(path, load_workbook)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _open_workbook(path: Path, load_workbook: Any) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise FileProblem(path, str(exc.strerror or exc)) from None
    except Exception as exc:  # openpyxl raises zipfile/KeyError/ValueError for a bad file
        raise ValidationError("file", f"{path.name} is not an XLSX workbook ({exc})") from None


def read_xlsx(path: Path, sheet: str | None = None) -> Sheet:
    """An XLSX sheet's rows (the first sheet unless `sheet` names one). Formulas give their
    last computed value, as the file saved it."""
    from openpyxl import load_workbook

    workbook = _open_workbook(path, load_workbook)
    try:
        names = list(workbook.sheetnames)
        name = sheet if sheet is not None else names[0]
        if name not in names:
            raise ValidationError("sheet", f"{name!r} is not a sheet of {path.name} (it has "
                                  f"{', '.join(repr(n) for n in names)})")
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(workbook[name].iter_rows(values_only=True), start=1):
            cells = [_clean(xlsx_cell_text(v), number, i) for i, v in enumerate(values)]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(f"row {number}", f"has {len(cells)} columns (at most "
                                      f"{MAX_COLUMNS})")
            if any(cells):
                rows.append((number, cells))
        return Sheet(rows, sheet_name=name, sheet_names=names)
    finally:
        workbook.close()


def read_file(path: Path, *, sheet: str | None = None, encoding: str | None = None,
              delimiter: str | None = None) -> Sheet:
    """A CSV or XLSX file's rows, by its name's ending (.xlsx/.xlsm; anything else is CSV)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(path, str(exc.strerror or exc)) from None
    return read_csv(data, encoding=encoding, delimiter=delimiter)


def records(sheet: Sheet) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows under the header as {header: cell}, with their row numbers. Headers are
    stripped; an empty or repeated header gets its column's letter ("Column C")."""
    if not sheet.rows:
        return
    start = sheet.header_index()
    header = header_names(sheet.rows[start][1])
    for number, cells in sheet.rows[start + 1:]:
        yield number, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}


def header_names(cells: list[str]) -> list[str]:
    seen: set[str] = set()
    names = []
    for index, cell in enumerate(cells):
        name = cell.strip()
        if not name or name in seen:
            name = f"Column {column_letter(index)}"
        seen.add(name)
        names.append(name)
    return names


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
