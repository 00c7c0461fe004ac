"""Search boxes match text literally: what a person types is looked for as typed.

Every LIKE a search builds goes through `matches`: the text is lower-cased, its `%` and `_`
(and the escape character itself) are escaped, and the pattern is wrapped in `%...%`, so
"50%" finds "50%" and not "500", and "a_b" finds "a_b" and not "axb", on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, func, or_

ESCAPE = "\\"


def contains_pattern(text: str) -> str | None:
    """The LIKE pattern for "contains `text`" (lower-cased, escaped), None for blank text."""
    needle = text.strip().lower()
    if not needle:
        return None
    for special in (ESCAPE, "%", "_"):
        needle = needle.replace(special, ESCAPE + special)
    return f"%{needle}%"


def matches(text: str, *columns: Any) -> ColumnElement[bool] | None:
    """Any of `columns` (SQL text expressions) contains `text`, ignoring case; None when the
    text is blank (no condition at all)."""
    pattern = contains_pattern(text)
    if pattern is None:
        return None
    if not columns:
        return false()
    return or_(*(func.lower(column).like(pattern, escape=ESCAPE) for column in columns))
