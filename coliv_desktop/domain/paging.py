"""Where a page of a long list starts: plain values the services make and the GUI's list
model keeps (the SQL that reads the pages is `services.keyset`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Cursor:
    """One row's place in one list's order: its sort keys as the database sees them, its id
    last. Opaque to callers: they hand it back to the service that made it."""

    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Seek:
    """Which rows a page holds. From `cursor` (the row after it; the row itself too when
    `inclusive`), or from the start of the list when there is none; `backwards`: the rows
    before the cursor (or from the end of the list), nearest first. `skip` rows are passed
    over first (an OFFSET: it costs what it skips, so keep it small when there is a cursor).
    Whichever the direction, the page's rows come back in list order."""

    cursor: Cursor | None = None
    backwards: bool = False
    inclusive: bool = False
    skip: int = 0


START = Seek()


@dataclass(frozen=True, slots=True)
class Slice(Generic[R]):
    """A page's rows in list order, with the cursors of its first and last rows (None when
    empty): the next page is `Seek(last)`, the previous one `Seek(first, backwards=True)`."""

    rows: list[R]
    first: Cursor | None = None
    last: Cursor | None = None
