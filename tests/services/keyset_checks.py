"""What every keyset-paged list must satisfy, checked against its one full ORDER BY query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coliv_desktop.services.keyset import Cursor, Seek, Slice

Fetch = Callable[[Seek, int], Slice[Any]]
Anchors = Callable[[int], list[Cursor]]


def row_id(row: Any) -> Any:
    return row.id


def check_paging(fetch: Fetch, anchors: Anchors, expected: list[Any], size: int,
                 every_row: int = 1, ident: Callable[[Any], Any] = row_id) -> None:
    """Page by page forwards and backwards by cursor, by anchors, from the cursor of every
    `every_row`-th row (0: none) in both directions (inclusive or not), and by skipping from
    either end: always the rows of `expected` (`ident` of each row in the order of one full
    ORDER BY), in the same order."""

    def ids(page: Slice[Any]) -> list[Any]:
        return [ident(row) for row in page.rows]

    def walk_forward() -> list[list[Any]]:
        pages = []
        page = fetch(Seek(), size)
        while page.rows:
            pages.append(ids(page))
            assert page.last is not None
            page = fetch(Seek(page.last), size)
        return pages

    def walk_backward() -> list[list[Any]]:
        pages = []
        page = fetch(Seek(backwards=True), size)
        while page.rows:
            pages.insert(0, ids(page))
            assert page.first is not None
            page = fetch(Seek(page.first, backwards=True), size)
        return pages

    n = len(expected)
    forward = walk_forward()
    assert [i for page in forward for i in page] == expected
    assert all(len(page) == size for page in forward[:-1])  # only the last may be short
    backward = walk_backward()
    assert [i for page in backward for i in page] == expected
    assert all(len(page) == size for page in backward[1:])  # from the end: the first is short
    marks = anchors(size)
    assert len(marks) == -(-n // size)
    assert [i for mark in marks for i in ids(fetch(Seek(mark, inclusive=True), size))] == expected
    for skip in sorted({0, 1, size + 1, n // 2, max(n - 1, 0)}):
        assert ids(fetch(Seek(skip=skip), size)) == expected[skip:skip + size]
        assert ids(fetch(Seek(backwards=True, skip=skip), size)) == (
            expected[max(n - skip - size, 0):max(n - skip, 0)])
    if not every_row:
        return
    cursors = anchors(1)  # the cursor of every row
    assert len(cursors) == n
    for j, cursor in list(enumerate(cursors))[::every_row]:
        assert ids(fetch(Seek(cursor), size)) == expected[j + 1:j + 1 + size]
        assert ids(fetch(Seek(cursor, inclusive=True), size)) == expected[j:j + size]
        assert ids(fetch(Seek(cursor, backwards=True), size)) == expected[max(j - size, 0):j]
        assert ids(fetch(Seek(cursor, backwards=True, inclusive=True), size)) == (
            expected[max(j + 1 - size, 0):j + 1])
        if j + 2 < n:  # a skip after a cursor: the pages between two that are known
            assert ids(fetch(Seek(cursor, skip=2), size)) == expected[j + 3:j + 3 + size]
