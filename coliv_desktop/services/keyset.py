"""Keyset paging: a page of a long list chosen by where it starts in the order, not by how many
rows come before it.

`ORDER BY ... OFFSET n` reads and drops n rows, so the middle of a million-row list costs half a
million rows. A page here starts from a `Cursor` (the values of the order's keys in one row, as
the database returns them, its id last): "the rows after this one" is a range on the keys
(`key > k OR (key = k AND id > i)`), which an index on (key, id) answers by seeking, whatever
the position. Every list's order ends with the row's id, so it is total (equal keys are told
apart) and a cursor names one place exactly.

Nulls: a key that can be NULL sorts its NULLs last in the list's order whichever the direction
(as a person expects: people without a phone after the others), so reading a list backwards
meets them first. The range is written out for that (`IS NULL` arms) instead of COALESCE to a
sentinel, so the keys keep their type and their index.

A jump to a position (the scroll bar dragged to the middle) needs the cursor at that position:
`anchors` reads the cursor of every `every`-th row in one narrow pass (ROW_NUMBER() over the
keys), once per query and order; after that, page p starts at anchor p. Until the anchors are
in, `Seek.skip` serves a jump (an OFFSET, counted from the nearest end or the nearest page
already read).

The cursor, the seek and the page (`Cursor`, `Seek`, `Slice`) are plain values from
`domain.paging`, so the GUI's list model holds them without loading SQLAlchemy. The SQL here
is plain SQLAlchemy Core (row comparisons, window functions, NULLS LAST) that
SQLite and PostgreSQL both run, and both use an index for the leading key's range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from coliv_desktop.domain.paging import START, Cursor, Seek, Slice

__all__ = ["START", "Cursor", "Key", "Seek", "Slice", "anchors", "beyond", "cut", "page",
           "ranges", "window"]


@dataclass(frozen=True)
class Key:
    """One term of a list's order. `nullable`: its NULLs come last in the list's order (first
    when it is read backwards)."""

    expr: Any
    descending: bool = False
    nullable: bool = False
    nulls_first: bool = False  # set by `reading` when the list is read backwards

    def reversed(self) -> Key:
        return replace(self, descending=not self.descending, nulls_first=not self.nulls_first)


def reading(keys: Sequence[Key], backwards: bool) -> list[Key]:
    """The keys in the direction the rows are read: the list's order, or its mirror."""
    return [k.reversed() for k in keys] if backwards else list(keys)


def order_by(keys: Sequence[Key]) -> list[Any]:
    terms = []
    for k in keys:
        term = k.expr.desc() if k.descending else k.expr.asc()
        if k.nullable:
            term = term.nulls_first() if k.nulls_first else term.nulls_last()
        terms.append(term)
    return terms


def after(k: Key, value: Any, inclusive: bool = False) -> ColumnElement[bool]:
    """Rows whose `k` comes after `value` in reading order (or equals it, `inclusive`)."""
    column: ColumnElement[Any] = k.expr
    if value is None:
        if k.nulls_first:  # every value comes after NULL
            return column.is_not(None) if not inclusive else true()
        return column.is_(None) if inclusive else false()
    beyond: ColumnElement[bool]
    if k.descending:
        beyond = k.expr <= value if inclusive else k.expr < value
    else:
        beyond = k.expr >= value if inclusive else k.expr > value
    if k.nullable and not k.nulls_first:
        return or_(beyond, k.expr.is_(None))
    return beyond


def _equal(k: Key, value: Any) -> ColumnElement[bool]:
    column: ColumnElement[Any] = k.expr
    return column.is_(None) if value is None else column == value


def beyond(keys: Sequence[Key], cursor: Cursor, inclusive: bool = False) -> ColumnElement[bool]:
    """The rows after `cursor` in the order `keys` (read in their direction): a lexicographic
    range, led by a bound on the first key alone so that an index on it starts at the cursor
    instead of filtering from the top."""
    values = cursor.values
    if len(values) != len(keys):
        raise ValueError("a cursor from another list or order")
    clause: ColumnElement[bool] = after(keys[-1], values[-1], inclusive)
    for k, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        clause = or_(after(k, value), and_(_equal(k, value), clause))
    return and_(after(keys[0], values[0], inclusive=True), clause)


def ranges(keys: Sequence[Key], cursor: Cursor, inclusive: bool = False
           ) -> list[ColumnElement[bool]]:
    """The rows after `cursor` as disjoint ranges, nearest first: the rest of the cursor's
    ties on all keys but the last, ..., then the rows beyond its first key. Each is one seek
    on an index over the keys, whatever their directions (an equal prefix, then a range), so
    a cursor deep inside a million equal amounts costs no scan of them; queried each with
    its own LIMIT and merged, they give what `beyond` gives."""
    values = cursor.values
    if len(values) != len(keys):
        raise ValueError("a cursor from another list or order")
    found = []
    for j in range(len(keys) - 1, -1, -1):
        equal = [_equal(k, v) for k, v in zip(keys[:j], values[:j], strict=True)]
        found.append(and_(*equal, after(keys[j], values[j], inclusive and j == len(keys) - 1)))
    return found


def labelled(keys: Sequence[Key]) -> list[Any]:
    """The keys as result columns k0, k1, ... (what a cursor is made of)."""
    return [k.expr.label(f"k{i}") for i, k in enumerate(keys)]


def cursor_of(row: Any, width: int) -> Cursor:
    return Cursor(tuple(row._mapping[f"k{i}"] for i in range(width)))


def cut(query: Select[Any], keys: Sequence[Key], seek: Seek, limit: int | None
        ) -> Select[Any]:
    """`query` cut to the page `seek` asks for (to its end, without `limit`), in reading
    order."""
    read = reading(keys, seek.backwards)
    if seek.cursor is not None:
        query = query.where(beyond(read, seek.cursor, seek.inclusive))
    query = query.order_by(*order_by(read))
    if limit is not None:
        query = query.limit(limit)
    return query.offset(seek.skip) if seek.skip else query


def window(query: Select[Any], keys: Sequence[Key], seek: Seek, limit: int | None
           ) -> Select[Any]:
    """`cut`, with the keys as result columns k0, k1... after the query's own."""
    return cut(query.add_columns(*labelled(keys)), keys, seek, limit)


def page(s: Session, query: Select[Any], keys: Sequence[Key], seek: Seek, limit: int | None
         ) -> tuple[list[Any], Cursor | None, Cursor | None]:
    """The rows of `window(...)` in list order, with the first and last rows' cursors."""
    rows = list(s.execute(window(query, keys, seek, limit)))
    if seek.backwards:
        rows.reverse()
    if not rows:
        return [], None, None
    return rows, cursor_of(rows[0], len(keys)), cursor_of(rows[-1], len(keys))


def anchors(s: Session, query: Select[Any], keys: Sequence[Key], every: int) -> list[Cursor]:
    """The cursor of row 0, `every`, 2 x `every`, ... of the list: page p starts at anchor p.

    One narrow pass: the keys of every row, numbered by ROW_NUMBER() in the list's order, of
    which the database returns one in `every`. `query` selects what filters the list (its
    columns are replaced by the keys)."""
    if every < 1:
        raise ValueError("every must be at least 1")
    inner = query.with_only_columns(*labelled(keys)).subquery("listed")
    columns = [inner.c[f"k{i}"] for i in range(len(keys))]
    outer = [replace(k, expr=c) for k, c in zip(keys, columns, strict=True)]
    number = func.row_number().over(order_by=order_by(outer)).label("n")
    numbered = select(*columns, number).subquery("numbered")
    picked = (select(*[numbered.c[f"k{i}"] for i in range(len(keys))])
              .where((numbered.c.n - 1) % every == 0).order_by(numbered.c.n))
    return [Cursor(tuple(row)) for row in s.execute(picked)]
