"""Spreadsheets in (issue 15): rooms, tenants, leases, opening balances and payments from a
CSV or XLSX file, all or nothing.

Steps, each usable alone (the import wizard shows them one by one, `coliv import-sheet` runs
them in a row):

1. `read_sheet`: the file's rows as text (`domain.tabular`: encoding, delimiter and sheet
   detected or given), the header found below any title rows.
2. `inspect_sheet`: the headers, a raw preview, the columns guessed for the kind's fields
   (`sheet_kinds.guess_columns`), and how dates and amounts read: a date order or a decimal
   mark the values leave open is None, to be asked of the person (never guessed).
3. `convert`: every row's cells to values (money, dates, numbers, yes/no) and through the
   same input schemas as typed input, collecting every problem with the row number the file
   shows, the column's header, what is wrong and the value.
4. `import_sheet`: the rows checked against the book in bulk (`sheet_apply`: names and
   numbers matched in one query per table, leases' beds checked in memory, the database's
   constraints behind) and written in one transaction with Core inserts and one audit entry
   for the whole import (kind, file, rows, SHA-256 of the file). With any problem nothing is
   written and the problems are returned; a progress callback that raises (Cancel) rolls
   everything back.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import SheetMapping
from coliv_desktop.domain import tabular
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.domain.sheet_values import (
    DATE_ORDERS,
    DECIMAL_MARKS,
    date_orders_of,
    guess_decimal_mark,
    order_name,
    parse_amount,
    parse_day,
)
from coliv_desktop.domain.sheet_writer import FORMULA_STARTS
from coliv_desktop.schemas.common import Output
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.sheet_kinds import SheetKind, guess_columns, sheet_kind

Progress = Callable[[int, int, str], None]
PREVIEW_ROWS = 20
_INT = re.compile(r"^[+-]?\d{1,9}$")
_TRUE = {"yes", "y", "true", "1", "x", "✓", "furnished", "oui", "ja", "si", "sí"}
_FALSE = {"no", "n", "false", "0", "-", "non", "nein"}


@dataclass
class SheetOptions:
    """How to read a file: the reading choices and the column mapping ({field: header});
    None means detected (encoding, delimiter, the first sheet) or guessed (columns) or
    decided from the values (date order, decimal mark; asked when they leave it open)."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    columns: dict[str, str] | None = None
    date_order: str | None = None
    decimal_mark: str | None = None

    def to_mapping(self) -> dict[str, Any]:
        """The mapping as saved and as `--mapping FILE.json` gives it."""
        out: dict[str, Any] = {"columns": dict(self.columns or {})}
        for key in ("date_order", "decimal_mark", "encoding", "delimiter", "sheet"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @classmethod
    def from_mapping(cls, data: Any, where: str = "mapping") -> SheetOptions:
        """A mapping's JSON object, checked: {"columns": {field: header}, "date_order":
        "mdy", "decimal_mark": ",", "encoding", "delimiter", "sheet"} (all optional)."""
        if not isinstance(data, dict):
            raise ValidationError(where, "must be a JSON object like {\"columns\": "
                                  "{\"rent\": \"Monthly rent\"}, \"date_order\": \"mdy\"}")
        unknown = set(data) - {"columns", "date_order", "decimal_mark", "encoding",
                               "delimiter", "sheet"}
        if unknown:
            raise ValidationError(where, f"has unknown keys: {', '.join(sorted(unknown))}")
        columns = data.get("columns")
        if columns is not None and (not isinstance(columns, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in columns.items())):
            raise ValidationError(where, "\"columns\" must map field names to column headers")
        options = cls(columns=dict(columns) if columns is not None else None)
        for key in ("date_order", "decimal_mark", "encoding", "delimiter", "sheet"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ValidationError(where, f"\"{key}\" must be text")
            setattr(options, key, value)
        options.check(where)
        return options

    def check(self, where: str | None = None) -> None:
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise ValidationError(where or "date_order",
                                  f"{self.date_order!r} is not a date order (ymd, mdy or dmy)")
        if self.decimal_mark is not None and self.decimal_mark not in DECIMAL_MARKS:
            raise ValidationError(where or "decimal_mark",
                                  f"{self.decimal_mark!r} is not a decimal mark (\".\" or \",\")")

    def merged(self, other: SheetOptions) -> SheetOptions:
        """These options, with what `other` sets taken over (the command line over a file)."""
        out = SheetOptions(**vars(self))
        for key, value in vars(other).items():
            if value is not None:
                setattr(out, key, value)
        return out


class SheetProblem(Output):
    row: int  # as the file numbers it (1 = the first line or spreadsheet row)
    column: str  # the column's header, or "" for the whole row
    problem: str
    value: str


class SheetPreview(Output):
    """What the wizard shows before importing: the file as read and the guesses."""

    headers: list[str]
    header_row: int
    rows: int  # data rows under the header
    raw: list[list[str]]  # the first rows as read, title rows included
    raw_numbers: list[int]  # their row numbers in the file
    columns: dict[str, str]  # field -> header: given or guessed
    date_order: str | None  # None: the values leave it open (ask)
    decimal_mark: str | None
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheet_names: list[str]


class ImportResult(Output):
    kind: str
    file: str
    rows: int
    dry_run: bool
    written: bool
    created: dict[str, int]
    matched: dict[str, int]
    problems: list[SheetProblem]
    sha256: str
    columns: dict[str, str]
    date_order: str
    decimal_mark: str


class SavedMapping(Output):
    id: uuid.UUID
    kind: str
    name: str
    mapping: dict[str, Any]


# --- 1 and 2: reading ---------------------------------------------------------------------------

def read_sheet(path: Path, options: SheetOptions) -> tabular.Sheet:
    """The file's rows (CSV or XLSX by its name's ending). No database involved."""
    if not path.exists():
        raise FileProblem(path, "no such file")
    return tabular.read_file(path, sheet=options.sheet, encoding=options.encoding,
                             delimiter=options.delimiter)


def header_of(sheet: tabular.Sheet) -> tuple[int, list[str]]:
    """(index in sheet.rows, header names) of the header row."""
    if not sheet.rows:
        return 0, []
    index = sheet.header_index()
    return index, tabular.header_names(sheet.rows[index][1])


def inspect_sheet(kind_name: str, sheet: tabular.Sheet, options: SheetOptions) -> SheetPreview:
    kind = sheet_kind(kind_name)
    index, headers = header_of(sheet)
    columns = options.columns if options.columns is not None else guess_columns(kind, headers)
    columns = {k: v for k, v in columns.items() if v in headers}
    dates, amounts = _choice_values(kind, sheet, columns)
    return SheetPreview(
        headers=headers, header_row=sheet.rows[index][0] if sheet.rows else 0,
        rows=max(len(sheet.rows) - index - 1, 0),
        raw=[cells for _, cells in sheet.rows[:PREVIEW_ROWS]],
        raw_numbers=[number for number, _ in sheet.rows[:PREVIEW_ROWS]], columns=columns,
        date_order=options.date_order or date_order_of(dates)[0],
        decimal_mark=options.decimal_mark or guess_decimal_mark(amounts),
        encoding=sheet.encoding, delimiter=sheet.delimiter, sheet=sheet.sheet_name,
        sheet_names=sheet.sheet_names)


def _choice_values(kind: SheetKind, sheet: tabular.Sheet, columns: dict[str, str]
                   ) -> tuple[list[str], list[str]]:
    """The cells of the mapped date columns and of the money and number columns."""
    index, headers = header_of(sheet)
    positions = {header: i for i, header in enumerate(headers)}
    date_at = [positions[h] for k, h in columns.items()
               if h in positions and kind.field(k).kind == "date"]
    money_at = [positions[h] for k, h in columns.items()
                if h in positions and kind.field(k).kind in ("money", "number")]
    dates: list[str] = []
    amounts: list[str] = []
    for _, cells in sheet.rows[index + 1:]:
        dates.extend(cells[i] for i in date_at if i < len(cells) and cells[i])
        amounts.extend(cells[i] for i in money_at if i < len(cells) and cells[i])
    return dates, amounts


def date_order_of(values: list[str]) -> tuple[str | None, str]:
    """The date order the values read in, or None with an example of why it is open: two
    orders read every value (03/04/2026 and no day above 12), or no one order reads them all
    (13/01/2026 beside 01/13/2026)."""
    possible = set(DATE_ORDERS)
    example = ""
    seen = False
    for value in values:
        orders = date_orders_of(value)
        if not orders or orders == set(DATE_ORDERS):
            continue  # not a date (that row's own problem), or one that reads any way
        seen = True
        if len(orders) > 1 and not example:
            example = value
        narrowed = possible & orders
        if not narrowed:
            return None, f"\"{value}\" reads only as {_orders(orders)}, other dates only " \
                         f"as {_orders(possible)}"
        possible = narrowed
    if not seen or len(possible) == 1:
        return (possible.pop() if seen else "ymd"), ""
    return None, f"\"{example}\" reads as {_orders(possible)}"


def _orders(orders: set[str]) -> str:
    return " or ".join(order_name(o) for o in DATE_ORDERS if o in orders)


# --- 3: converting ------------------------------------------------------------------------------

@dataclass
class Converted:
    """The rows as values ({field: value or None}) with their row numbers, and the problems."""

    kind: SheetKind
    columns: dict[str, str]
    date_order: str
    decimal_mark: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)

    # the cells as written, by row number, and each field's position among them
    cells: dict[int, list[str]] = field(default_factory=dict)
    at: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, key: str | None, text: str, value: Any = "") -> None:
        """A problem of `row` in the column of field `key` (None: the whole row); the value
        shown is the cell as the file wrote it, when the field has a column."""
        column = self.columns.get(key, self.kind.field(key).title) if key else ""
        if key in self.at and row in self.cells:
            cells = self.cells[row]
            value = cells[self.at[key]] if self.at[key] < len(cells) else ""
        self.problems.append(SheetProblem(row=row, column=column, problem=text,
                                          value=_shown(value)))


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def check_columns(kind: SheetKind, headers: list[str], columns: dict[str, str]) -> None:
    """Every required field mapped to a header the file has, no header used twice."""
    unknown = sorted(set(columns) - set(kind.keys()))
    if unknown:
        raise ValidationError("columns", f"{', '.join(unknown)} is not a column of {kind.name} "
                              f"(they are {', '.join(kind.keys())})")
    for key, header in columns.items():
        if header not in headers:
            raise ValidationError("columns", f"{kind.field(key).title}: the file has no "
                                  f"column {header!r} (it has {_list(headers)})")
    missing = [kind.field(k).title for k in kind.keys()
               if kind.field(k).required and k not in columns]
    if missing:
        raise ValidationError("columns", f"no column for {', '.join(missing)} (needed); the "
                              f"file's columns are {_list(headers)}: map them or rename them")
    if kind.one_of and not any(k in columns for k in kind.one_of):
        names = " or ".join(kind.field(k).title for k in kind.one_of)
        raise ValidationError("columns", f"no column for {names} (one is needed)")
    seen: dict[str, str] = {}
    for key, header in columns.items():
        if header in seen:
            raise ValidationError("columns", f"column {header!r} is given for both "
                                  f"{kind.field(seen[header]).title} and {kind.field(key).title}")
        seen[header] = key


def _list(headers: list[str]) -> str:
    shown = ", ".join(repr(h) for h in headers[:30])
    return shown + (" ..." if len(headers) > 30 else "") if headers else "none"


def convert(kind_name: str, sheet: tabular.Sheet, options: SheetOptions) -> Converted:
    """Every row to values; raises ValidationError for what concerns the whole file (a
    required column missing, a date order or decimal mark the values leave open)."""
    kind = sheet_kind(kind_name)
    options.check()
    index, headers = header_of(sheet)
    columns = options.columns if options.columns is not None else guess_columns(kind, headers)
    check_columns(kind, headers, columns)
    dates, amounts = _choice_values(kind, sheet, columns)
    order = options.date_order
    if order is None:
        order, why = date_order_of(dates)
        if order is None:
            raise ValidationError("date_order", f"the dates do not say their order ({why}): "
                                  "choose it (--date-order ymd|mdy|dmy, or \"date_order\" in "
                                  "the mapping)")
    mark = options.decimal_mark or guess_decimal_mark(amounts)
    if mark is None:
        example = next((a for a in amounts if re.search(r"\d[.,]\d{3}(?!\d)", a)), "")
        raise ValidationError("decimal_mark", f"the amounts do not say their decimal mark "
                              f"(\"{example}\" reads as more than one amount): choose it "
                              "(--decimal-mark . or ,, or \"decimal_mark\" in the mapping)")
    out = Converted(kind, dict(columns), order, mark)
    positions = {header: i for i, header in enumerate(headers)}
    at = out.at = {key: positions[header] for key, header in columns.items()}
    for number, cells in sheet.rows[index + 1:]:
        values: dict[str, Any] = {}
        out.cells[number] = cells
        for key in kind.keys():
            raw = cells[at[key]] if key in at and at[key] < len(cells) else ""
            try:
                values[key] = cell_value(kind.field(key).kind, raw, columns.get(key, key),
                                         order, mark)
            except ValidationError as exc:
                out.problem(number, key, exc.detail, raw)
                values[key] = None
                continue
            if values[key] is None and kind.field(key).required:
                out.problem(number, key, "is empty (needed)", raw)
        extra = [c for i, c in enumerate(cells) if i >= len(headers) and c]
        if extra:
            out.problem(number, None, f"has {len(extra)} cell(s) right of the last column "
                        f"({tabular.column_letter(len(headers))} onwards)", extra[0])
        out.rows.append((number, values))
    return out


def unneutralise(text: str) -> str:
    """A cell our export (or a careful person) wrote as '=text keeps its text: the
    apostrophe that stopped a spreadsheet running it is dropped."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def cell_value(kind: str, raw: str, header: str, order: str, mark: str) -> Any:
    """One cell as its field's value; None for a blank cell."""
    text = raw.strip()
    if not text:
        return None
    if len(text) > tabular.MAX_CELL:
        raise ValidationError(header, f"is longer than {tabular.MAX_CELL:,} characters")
    if kind == "money":
        return parse_amount(text, header, mark)
    if kind == "date":
        return parse_day(text, header, order)
    if kind == "int":
        whole = re.sub(r"[.,]0+$", "", text)
        if not _INT.match(whole):
            raise ValidationError(header, f"\"{_shown(text)[:40]}\" is not a whole number")
        return int(whole)
    if kind == "number":
        if not re.fullmatch(r"[+-]?\d{1,6}([.,]\d{1,6})?", text):
            raise ValidationError(header, f"\"{_shown(text)[:40]}\" is not a number")
        try:
            return Decimal(text.replace(mark, ".") if mark == "," else text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(header, f"\"{text}\" is not a number") from None
    if kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValidationError(header, f"\"{_shown(text)[:40]}\" is not yes or no")
    return unneutralise(text)


class _NothingWritten(Exception):
    """Leaves the transaction rolled back: a dry run, or problems found."""


# --- 4: the import ------------------------------------------------------------------------------

def import_sheet(db: Database, actor: Actor, kind: str, path: Path,
                 options: SheetOptions | None = None, *, dry_run: bool = False,
                 progress: Progress | None = None) -> ImportResult:
    """Import `path` as `kind`: every row checked, then (unless `dry_run` or a problem) all
    written in one transaction. The result lists every problem; with any, nothing is written.
    `progress(done, total, text)` is called as rows are checked and written; if it raises
    (the person pressed Cancel) nothing is written and the exception goes on."""
    from coliv_desktop.services import sheet_apply

    chosen = sheet_kind(kind)
    options = options or SheetOptions()
    actor.require(chosen.write_permission)
    try:
        data = path.read_bytes()
    except OSError as exc:
        from coliv_desktop.files import file_problem

        raise file_problem(path, exc) from None
    sheet = read_sheet(path, options)
    converted = convert(kind, sheet, options)
    digest = hashlib.sha256(data).hexdigest()
    outcome = sheet_apply.Outcome()
    permission = chosen.write_permission
    opened = reading(db, actor, permission) if dry_run else writing(db, actor, permission)
    try:
        with opened as s:
            plan = sheet_apply.check(s, actor, converted, outcome, progress)
            if converted.problems or dry_run:
                raise _NothingWritten()
            sheet_apply.write(s, actor, converted, plan, outcome, progress)
            audit.record(s, actor, "import", "sheet", None,
                         f"Imported {len(converted.rows)} {kind} rows from {path.name}",
                         {"kind": kind, "file": path.name, "rows": len(converted.rows),
                          "sha256": digest, "created": outcome.created,
                          "matched": outcome.matched})
    except _NothingWritten:
        pass
    written = not dry_run and not converted.problems
    return ImportResult(
        kind=kind, file=str(path), rows=len(converted.rows), dry_run=dry_run,
        written=written, created=outcome.created, matched=outcome.matched,
        problems=sorted(converted.problems, key=lambda p: p.row), sha256=digest,
        columns=converted.columns, date_order=converted.date_order,
        decimal_mark=converted.decimal_mark)


# --- saved mappings -----------------------------------------------------------------------------

def save_mapping(db: Database, actor: Actor, kind: str, name: str,
                 options: SheetOptions) -> SavedMapping:
    """Save (or replace) the mapping `name` of `kind` for reuse."""
    chosen = sheet_kind(kind)
    label = name.strip()
    if not label or len(label) > 100:
        raise ValidationError("name", "give the mapping a name of 1 to 100 characters")
    options.check()
    with writing(db, actor, chosen.write_permission) as s:
        row = s.scalar(select(SheetMapping).where(SheetMapping.kind == kind,
                                                  SheetMapping.name == label))
        mapping = options.to_mapping()
        if row is None:
            row = SheetMapping(kind=kind, name=label, mapping=mapping)
            s.add(row)
        else:
            row.mapping = mapping
        s.flush()
        audit.record(s, actor, "save", "sheet_mapping", row.id,
                     f"Saved the {kind} column mapping {label!r}", mapping)
        return SavedMapping(id=row.id, kind=kind, name=label, mapping=mapping)


def list_mappings(db: Database, actor: Actor, kind: str) -> list[SavedMapping]:
    """The saved mappings of `kind`, by name."""
    sheet_kind(kind)
    with reading(db, actor) as s:
        rows = s.scalars(select(SheetMapping).where(SheetMapping.kind == kind)
                         .order_by(SheetMapping.name))
        return [SavedMapping(id=r.id, kind=r.kind, name=r.name, mapping=dict(r.mapping))
                for r in rows]


def mapping_options(db: Database, actor: Actor, kind: str, name: str) -> SheetOptions:
    """A saved mapping by name, as options."""
    for saved in list_mappings(db, actor, kind):
        if saved.name == name:
            return SheetOptions.from_mapping(saved.mapping, "mapping")
    raise ValidationError("mapping", f"no saved {kind} mapping is named {name!r}")
