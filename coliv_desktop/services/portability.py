"""Whole-database export, import and transfer, with full fidelity.

Export writes every table of the current schema to one JSON document (rows sorted by primary
key, values in a type-exact text form), so that SQLite -> PostgreSQL -> SQLite round trips
give a byte-identical export. Import fills an empty database in one transaction: all or nothing.
Transfer is export + import + verification (row counts and money totals per table).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    LargeBinary,
    Numeric,
    Table,
    Text,
    Uuid,
    delete,
    func,
    insert,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import URL, Connection

from coliv_desktop import __version__
from coliv_desktop.db import crypto
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import head_revision, open_database, record_app_version
from coliv_desktop.db.models import Base
from coliv_desktop.db.types import Money, UTCDateTime
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.domain.money import money_str
from coliv_desktop.files import file_problem, write_atomically
from coliv_desktop.services import scope
from coliv_desktop.services.context import Actor, require_writable

FORMAT = "coliv-export"
FORMAT_VERSION = 1
# Facts about one database file (which app version upgraded it) do not travel with the data.
NOT_EXPORTED = {"coliv_meta"}

Progress = Callable[[int, int, str], None]


def exported_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_EXPORTED]


def _encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Money):
        return money_str(value)
    if isinstance(kind, UTCDateTime):
        return value.isoformat(timespec="microseconds")
    if isinstance(kind, Uuid):
        return str(value)
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, Numeric):
        return str(value)
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Money):
        return Decimal(value)
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Uuid):
        return uuid.UUID(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Boolean):
        return bool(value)
    return value


def _sort_key(table: Table) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    keys = [c.name for c in table.primary_key.columns]
    return lambda row: tuple(str(row[k]) for k in keys)


def export_data(db: Database, actor: Actor, progress: Progress | None = None) -> dict[str, Any]:
    """Every table, as a JSON-ready document: the whole book, users and their password hashes
    included, so only an owner ("data.read": a read, so a book open read-only exports too)."""
    actor.require("data.read")
    scope.require_unlimited(actor, "the whole book")
    tables = exported_tables()
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "tables": {},
    }
    with db.engine.connect() as conn:
        for index, table in enumerate(tables):
            if progress:
                progress(index, len(tables), table.name)
            rows = [
                {c.name: _encode(c, row[c.name]) for c in table.columns}
                for row in conn.execute(_raw_select(table)).mappings()
            ]
            rows.sort(key=_sort_key(table))
            document["tables"][table.name] = rows
        check = crypto.read_meta(conn, "key_check")
        if check is not None:  # the book's identity, so its key unlocks the copy too
            document["book"] = {"book_id": crypto.read_meta(conn, "book_id"), "key_check": check}
    return document


def _raw_select(table: Table) -> Any:
    """Every column, encrypted ones as stored: an export or a transfer carries ciphertext,
    never the protected values in clear (the copy adopts the book's id, hence its key)."""
    return select(*[type_coerce(c, Text).label(c.name) if isinstance(c.type, crypto.Encrypted)
                    else c for c in table.columns])


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def export_file(db: Database, actor: Actor, path: Path) -> dict[str, int]:
    actor.require("read")
    document = export_data(db, actor)
    write_atomically(path, dumps(document))
    return {name: len(rows) for name, rows in document["tables"].items()}


def _self_parent_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows so a row referring to another row of the same table comes after it."""
    self_refs = [
        fk.parent.name for fk in table.foreign_keys if fk.column.table is table
    ]
    if not self_refs:
        return rows
    pk = next(iter(table.primary_key.columns)).name
    by_id = {row[pk]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    placed: set[Any] = set()

    def place(row: dict[str, Any], trail: frozenset[Any]) -> None:
        if row[pk] in placed:
            return
        for ref in self_refs:
            parent = by_id.get(row[ref])
            if parent is not None and parent[pk] not in trail:
                place(parent, trail | {row[pk]})
        placed.add(row[pk])
        ordered.append(row)

    for row in rows:
        place(row, frozenset())
    return ordered


# Tables a new book starts with rows in (the migration's default expense categories): an
# import replaces them, as it replaces the first owner.
SEEDED = {"expense_categories"}


def _only_bootstrap_rows(conn: Connection) -> bool:
    """True when the database holds nothing but the owner/operator a first open creates and
    the seeded rows."""
    for table in exported_tables():
        if table.name in SEEDED:
            continue
        count = conn.scalar(select(func.count()).select_from(table)) or 0
        if table.name in {"users", "operators"}:
            if count > 1:
                return False
        elif count:
            return False
    return True


def _validate_document(document: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError("file", "this is not a CoLiv export")
    if document.get("format_version") != FORMAT_VERSION:
        raise ValidationError("file", f"export format {document.get('format_version')} is not "
                                      f"supported by CoLiv {__version__}")
    revision = document.get("schema_revision")
    if revision != head_revision():
        raise ValidationError(
            "file",
            f"the export is of schema {revision}, this CoLiv writes {head_revision()}; "
            "open it with the CoLiv that made it, or upgrade that database first and re-export",
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ValidationError("file", "the export has no tables")
    known = {t.name for t in exported_tables()}
    unknown = set(tables) - known
    if unknown:
        raise ValidationError("file", f"unknown tables in export: {', '.join(sorted(unknown))}")
    return tables


def import_data(
    db: Database, actor: Actor, document: Any, progress: Progress | None = None
) -> dict[str, int]:
    """Load an export into an empty database, in one transaction."""
    actor.require("data.admin")
    scope.require_unlimited(actor, "the whole book")
    require_writable(db)
    tables = _validate_document(document)
    counts: dict[str, int] = {}
    with db.engine.connect() as conn, conn.begin():
        if not _only_bootstrap_rows(conn):
            raise ConflictError("import needs an empty database; this one already holds data")
        # The owner/operator created on first open is replaced by the imported ones.
        for table in reversed(exported_tables()):
            conn.execute(delete(table))
        ordered = exported_tables()
        for index, table in enumerate(ordered):
            if progress:
                progress(index, len(ordered), table.name)
            raw = tables.get(table.name, [])
            columns = {c.name: c for c in table.columns}
            decoded = []
            for position, row in enumerate(raw):
                extra = set(row) - set(columns)
                if extra:
                    raise ValidationError(f"{table.name}[{position}]",
                                          f"unknown columns {', '.join(sorted(extra))}")
                try:
                    decoded.append({name: _decode(col, row.get(name))
                                    for name, col in columns.items()})
                except (ValueError, TypeError, ArithmeticError) as exc:
                    raise ValidationError(f"{table.name}[{position}]", str(exc)) from None
            decoded = _self_parent_first(table, decoded)
            for chunk in _chunks(decoded, 500):
                conn.execute(insert(table), chunk)
            counts[table.name] = len(decoded)
        _adopt_book(conn, db, document.get("book"))
        record_app_version(conn)
    return counts


def _adopt_book(conn: Connection, db: Database, book: Any) -> None:
    """The imported book's id and key check, so the ciphertext imported stays readable with
    the key it was written with (kept in the keychain under that id)."""
    if not isinstance(book, dict) or not all(isinstance(book.get(k), str)
                                             for k in ("book_id", "key_check")):
        return
    conn.execute(text("DELETE FROM coliv_meta WHERE key IN ('book_id', 'key_check')"))
    for key in ("book_id", "key_check"):
        conn.execute(text("INSERT INTO coliv_meta (key, value) VALUES (:k, :v)"),
                     {"k": key, "v": book[key]})
    db.keys.reset()


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def import_file(db: Database, actor: Actor, path: Path) -> dict[str, int]:
    actor.require("data.admin")  # before the file is even read
    scope.require_unlimited(actor, "the whole book")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise file_problem(path, exc) from None
    except UnicodeDecodeError:
        raise ValidationError("file", f"{path} is not a CoLiv export (not UTF-8 text)") from None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValidationError("file", f"cannot read {path}: {exc}") from None
    return import_data(db, actor, document)


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows_source: int
    rows_target: int
    money_source: str
    money_target: str

    @property
    def ok(self) -> bool:
        return self.rows_source == self.rows_target and self.money_source == self.money_target


def table_totals(db: Database, actor: Actor) -> dict[str, tuple[int, str]]:
    """Row count and the sum of every money column, per table: what a transfer must preserve."""
    actor.require("data.read")  # counts every table, the users' included
    scope.require_unlimited(actor, "the whole book")
    totals: dict[str, tuple[int, str]] = {}
    with db.engine.connect() as conn:
        for table in exported_tables():
            count = conn.scalar(select(func.count()).select_from(table)) or 0
            money_columns = [c for c in table.columns if isinstance(c.type, Money)]
            money = Decimal("0.00")
            for column in money_columns:
                value = conn.scalar(select(func.coalesce(func.sum(column), 0)))
                money += Decimal(value or 0)
            totals[table.name] = (int(count), money_str(money))
    return totals


def transfer_to(
    source: Database, actor: Actor, url: URL, progress: Progress | None = None,
    opening: Callable[[str], None] | None = None,
) -> list[TableCheck]:
    """Copy the whole database to the (empty) one at `url`, opened and brought to the current
    schema first (`opening` hears what that does), and verify it; `coliv transfer` and the
    app's Copy Database both come here."""
    from coliv_desktop import config

    actor.require("data.admin")  # before the target is created
    scope.require_unlimited(actor, "the whole book")
    if config.display_url(url) == config.display_url(source.url):
        raise ValidationError("to", "the target is the database being copied")
    target = open_database(url, progress=opening, create=True)
    try:
        return transfer(source, target, actor, progress)
    finally:
        target.dispose()


def transfer(
    source: Database, target: Database, actor: Actor, progress: Progress | None = None
) -> list[TableCheck]:
    """Copy the whole database into `target` (empty, at the same schema) and verify it."""
    actor.require("data.admin")
    scope.require_unlimited(actor, "the whole book")
    document = export_data(source, actor, progress)
    import_data(target, actor, document, progress)
    before = table_totals(source, actor)
    after = table_totals(target, actor)
    checks = [
        TableCheck(name, before[name][0], after[name][0], before[name][1], after[name][1])
        for name in before
    ]
    bad = [c for c in checks if not c.ok]
    if bad:
        raise ConflictError(
            "transfer verification failed for "
            + ", ".join(f"{c.table} ({c.rows_source}->{c.rows_target} rows, "
                        f"{c.money_source}->{c.money_target})" for c in bad)
        )
    return checks

