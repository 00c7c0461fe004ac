"""The journal's pure parts (issue 15): entries balance in every format, names are safe."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

from beancount import loader
from beancount.core import account as bean_account
from hypothesis import given, settings
from hypothesis import strategies as st

from coliv_desktop.domain import journal as jr
from coliv_desktop.domain.journal import Account, Entry

names = st.text(min_size=0, max_size=30) | st.sampled_from(["a²", "Ⅻ", "李", "ǅ", "=x", ""])
amounts = st.integers(min_value=1, max_value=10**9).map(lambda c: D(c) / 100)
kinds = st.sampled_from(["receivable", "undeposited", "bank", "deposits", "payable", "income",
                         "expense"])
accounts = st.builds(Account, kinds, st.one_of(st.none(), names))


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    made = []
    for _ in range(draw(st.integers(1, 12))):
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
        made.append(jr.pair(day, draw(names), draw(st.one_of(st.none(), names)),
                            draw(st.one_of(st.none(), names)), draw(accounts), draw(accounts),
                            draw(amounts), name=draw(st.one_of(st.none(), names))))
    return jr.numbered(made)


@given(entries())
@settings(max_examples=60, deadline=None)
def test_every_format_balances(book: list[Entry]) -> None:
    rows = list(csv.DictReader(io.StringIO(jr.qbo_csv(book).decode())))
    sums: dict[str, D] = defaultdict(D)
    for r in rows:
        sums[r["Journal No"]] += D(r["Debits"] or 0) - D(r["Credits"] or 0)
        for key in ("Account Name", "Description", "Name", "Class"):
            assert not r[key].startswith(("=", "+", "-", "@"))
    assert len(sums) == len(book) and set(sums.values()) == {D(0)}
    xero: dict[tuple[str, str], D] = defaultdict(D)
    for data in jr.xero_csv(book, {}):
        file_rows = list(csv.DictReader(io.StringIO(data.decode())))
        assert len(file_rows) <= jr.XERO_MAX_LINES
        for r in file_rows:
            xero[(r["*Narration"], r["*Date"])] += D(r["*Amount"])
    assert len(xero) == len(book) and set(xero.values()) == {D(0)}
    total = D(0)
    for line in jr.iif_text(book).decode().split("\r\n"):
        cells = line.split("\t")
        if cells[0] in ("TRNS", "SPL"):
            assert len(cells) == 10
            total += D(cells[7])
        elif cells[0] == "ENDTRNS":
            assert total == 0


@given(entries())
@settings(max_examples=25, deadline=None)
def test_beancount_accepts_any_names(book: list[Entry]) -> None:
    text = jr.beancount_text(book, date(2025, 1, 1), date(2025, 12, 31), "USD").decode()
    entries_, errors, _ = loader.load_string(text)
    assert errors == []
    assert len([e for e in entries_ if type(e).__name__ == "Transaction"]) == len(book)
    opened = [e.account for e in entries_ if type(e).__name__ == "Open"]
    assert all(bean_account.is_valid(name) for name in opened)  # Beancount's own rule


def test_components() -> None:
    assert jr.bean_component("trần văn an") == "Trần-Văn-An"
    assert jr.bean_component("李 小龙") == "X-李-小龙"
    assert jr.bean_component("=SUM(A1)") == "SUM-A1"
    assert jr.bean_component("  ") == "Unnamed"
    assert jr.bean_component("3B room") == "3B-Room"
    assert jr.bean_component("Room 2² ½") == "Room-2"  # superscripts are not digits there
    for text in ("ß", "ǆ", "ﬀ", "_x_", "é", "a²", "Ⅻ", "x½y", "٣ab"):
        assert bean_account.is_valid(f"Assets:{jr.bean_component(text)}"), text
    named = jr.BeanNames()
    first = named(Account("receivable", "John Smith"))
    second = named(Account("receivable", "John  Smith!"))
    assert (first, second) == ("Assets:Receivable:John-Smith", "Assets:Receivable:John-Smith-2")
    assert jr.unique_labels([(1, "Ann Lee"), (2, "ann lee"), (3, "Ann\tLee")]) == {
        1: "Ann Lee", 2: "ann lee 2", 3: "Ann Lee 3"}


def test_an_unbalanced_entry_is_never_written() -> None:
    bad = Entry(date(2025, 1, 1), "x", None, None,
                (jr.Line(Account("bank"), D("1.00")), jr.Line(Account("payable"), D("-0.99"))))
    try:
        jr.numbered([bad])
    except jr.Unbalanced:
        return
    raise AssertionError("an unbalanced entry was numbered")


def test_dates_as_the_company_writes_them() -> None:
    day = date(2025, 3, 4)
    assert [jr.written_date(day, o) for o in jr.DATE_ORDERS] == [
        "03/04/2025", "04/03/2025", "2025-03-04"]
