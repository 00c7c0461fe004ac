"""Keyset paging on both engines: every list, every sort column, both directions, ties, nulls,
filters and the last short page give exactly the order of one full ORDER BY query."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.services import directory, history, keyset, ledger, ledger_list, rent_run
from coliv_desktop.services import tenants as tenant_service
from coliv_desktop.services.context import Actor
from coliv_desktop.services.keyset import Cursor, Key, Seek, Slice
from coliv_desktop.services.ledger_list import SORTS, LedgerQuery
from tests.builders import OWNER, flow_41, fresh_lease, lease, tenant
from tests.services.keyset_checks import Anchors, Fetch, check_paging
from tests.services.test_reports import flow_43

TODAY = "2026-02-15"

# --- the machinery, on a table of its own: nulls and ties in every column ------------------

probe = Table("keyset_probe", MetaData(), Column("id", Integer, primary_key=True),
              Column("a", Integer), Column("b", String(5)))


@pytest.fixture
def probe_db(db: Database) -> Iterator[Database]:
    probe.create(db.engine)
    yield db
    probe.drop(db.engine)


def python_order(rows: list[dict[str, Any]], spec: list[tuple[str, bool]], id_desc: bool
                 ) -> list[int]:
    """The rows' ids sorted as the keys say, NULLs last in the list's order whichever the
    direction, then by id."""
    def compare(x: dict[str, Any], y: dict[str, Any]) -> int:
        for name, descending in spec:
            a, b = x[name], y[name]
            if a == b:
                continue
            if a is None or b is None:
                return 1 if a is None else -1
            return (-1 if a < b else 1) * (-1 if descending else 1)
        return (-1 if x["id"] < y["id"] else 1) * (-1 if id_desc else 1)
    return [r["id"] for r in sorted(rows, key=functools.cmp_to_key(compare))]


rows_strategy = st.lists(st.fixed_dictionaries({
    "a": st.one_of(st.none(), st.integers(0, 2)),
    "b": st.one_of(st.none(), st.sampled_from(["x", "y", "z"]))}), max_size=14)
spec_strategy = st.lists(st.tuples(st.sampled_from(["a", "b"]), st.booleans()), min_size=0,
                         max_size=2, unique_by=lambda t: t[0])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=rows_strategy, spec=spec_strategy, id_desc=st.booleans(), size=st.integers(1, 5))
def test_seeks_agree_with_one_order_by_whatever_the_nulls_ties_and_directions(
        probe_db: Database, rows: list[dict[str, Any]], spec: list[tuple[str, bool]],
        id_desc: bool, size: int) -> None:
    db = probe_db
    with db.write() as s:
        s.execute(probe.delete())
        if rows:
            s.execute(insert(probe), [{"id": i, **r} for i, r in enumerate(rows)])
    keys = [Key(probe.c[name], descending, nullable=True) for name, descending in spec]
    keys.append(Key(probe.c.id, id_desc))
    listed = [{"id": i, **r} for i, r in enumerate(rows)]
    expected = python_order(listed, spec, id_desc)
    with db.read() as s:  # the database's own ORDER BY agrees with the rule
        assert list(s.scalars(keyset.cut(select(probe.c.id), keys, Seek(), None))) == expected

    def fetch(seek: Seek, limit: int) -> Slice[Any]:
        with db.read() as s:
            found, first, last = keyset.page(s, select(probe.c.id), keys, seek, limit)
        return Slice(found, first, last)

    def anchors(every: int) -> list[Cursor]:
        with db.read() as s:
            return keyset.anchors(s, select(probe.c.id), keys, every)

    check_paging(fetch, anchors, expected, size)
    # the ranges (one per seek on an index) hold exactly what the one condition holds
    for cursor in anchors(1):
        with db.read() as s:
            one = set(s.scalars(select(probe.c.id).where(keyset.beyond(keys, cursor))))
            parts = [set(s.scalars(select(probe.c.id).where(r)))
                     for r in keyset.ranges(keys, cursor)]
        assert set().union(*parts) == one and sum(map(len, parts)) == len(one)


def test_a_cursor_of_another_order_is_refused() -> None:
    keys = [Key(probe.c.a), Key(probe.c.id)]
    with pytest.raises(ValueError, match="another list"):
        keyset.beyond(keys, Cursor((1,)))


# --- the ledger: every sort, both directions, filters ----------------------------------------

def busy_ledger(db: Database, actor: Actor) -> dict[str, Any]:
    """flow_43 and three more months: rents posted the same days (900, 750, 800 and 800:
    ties on days and amounts), paid the same days, a partial payment, a credit, a void."""
    ids = flow_43(db, actor)
    rent_run.run_rent(db, actor, date(2026, 3, 31))
    for month in (1, 2):
        for name, amount in [("Sarah", "900"), ("Mike", "750"), ("Jessica", "800"),
                             ("Tom", "400")]:
            ledger.record_payment(db, actor, build(
                PaymentCreate, lease_id=ids[name], amount=amount,
                received_on=date(2026, month, 3), method="cash"))
    ledger.add_credit(db, actor, build(CreditCreate, lease_id=ids["Tom"], amount="50",
                                       received_on="2026-01-03", reason="Goodwill"))
    ledger.post_charge(db, actor, build(ChargeCreate, lease_id=ids["Mike"],
                                        due_date="2026-01-01", amount="750",
                                        description="Broken window"))
    voided = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=ids["Mike"], amount="750", received_on="2026-01-03",
        method="card"))
    ledger.void_payment(db, actor, voided.id, "bounced")
    return ids


def ledger_fetch(db: Database, q: LedgerQuery, sort: str, descending: bool) -> Fetch:
    return lambda seek, limit: ledger_list.ledger_seek(db, OWNER, q, sort, descending, seek, limit)


def ledger_anchors(db: Database, q: LedgerQuery, sort: str, descending: bool) -> Anchors:
    return lambda every: ledger_list.ledger_anchors(db, OWNER, q, sort, descending, every)


def test_every_ledger_sort_pages_by_cursor_as_one_order_by(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", TODAY)
    busy_ledger(db, actor)
    everything = LedgerQuery()
    total = ledger_list.ledger_count(db, actor, everything)
    assert total == 16 + 1 + 3 + 8 + 1 + 1 == 30
    monkeypatch.setattr(ledger_list, "SEEK_SKIP", 1)  # long skips count their way: tested too
    for sort in SORTS:
        for descending in (False, True):
            expected = [r.id for r in ledger_list.ledger_page(
                db, actor, everything, sort, descending, 0, 1000)]
            assert len(expected) == total
            check_paging(ledger_fetch(db, everything, sort, descending),
                         ledger_anchors(db, everything, sort, descending), expected, 4,
                         every_row=3)


@pytest.mark.parametrize("q", [
    LedgerQuery(search="tom"), LedgerQuery(status="overdue"), LedgerQuery(status="payment"),
    LedgerQuery(status="void"), LedgerQuery(start=date(2026, 1, 1), end=date(2026, 2, 28)),
], ids=["search", "overdue", "payments", "void", "dates"])
def test_filtered_ledger_pages_by_cursor(db: Database, actor: Actor, q: LedgerQuery,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", TODAY)
    busy_ledger(db, actor)
    for number, sort in enumerate(SORTS):  # each sort in one direction: the other is above
        descending = number % 2 == 0
        expected = [r.id for r in ledger_list.ledger_page(db, actor, q, sort, descending, 0, 1000)]
        assert expected, (q, sort)
        check_paging(ledger_fetch(db, q, sort, descending),
                     ledger_anchors(db, q, sort, descending), expected, 3, every_row=0)


def test_the_ledger_order_is_its_key_then_id(db: Database, actor: Actor,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """What the reference order is: by amount with payments negative, ties by id; by day,
    then kind, then id."""
    monkeypatch.setenv("COLIV_TODAY", TODAY)
    busy_ledger(db, actor)
    rows = ledger_list.ledger_seek(db, actor, LedgerQuery(), "amount", False, Seek(), 100).rows
    assert [(r.amount, str(r.id)) for r in rows] == sorted((r.amount, str(r.id)) for r in rows)
    assert rows[0].amount == Decimal("-900.00") and rows[-1].amount == Decimal("900.00")
    by_day = ledger_list.ledger_seek(db, actor, LedgerQuery(), "day", True, Seek(), 100).rows
    assert [(r.day, r.kind, str(r.id)) for r in by_day] == sorted(
        ((r.day, r.kind, str(r.id)) for r in by_day), reverse=True)


entry = st.tuples(st.sampled_from(["charge", "payment", "credit"]),
                  st.sampled_from(["100", "250", "250", "900"]), st.integers(0, 3))


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=st.lists(entry, min_size=1, max_size=10), sort=st.sampled_from(SORTS),
       descending=st.booleans(), size=st.integers(1, 4))
def test_random_small_ledgers_page_by_cursor_as_one_order_by(
        db: Database, actor: Actor, entries: list[tuple[str, str, int]], sort: str,
        descending: bool, size: int) -> None:
    the_lease = fresh_lease(db, actor)
    for kind, amount, offset in entries:  # few amounts and days: ties everywhere
        day = the_lease.lease_start + timedelta(days=offset)
        if kind == "charge":
            ledger.post_charge(db, actor, build(ChargeCreate, lease_id=the_lease.id,
                                                due_date=day, amount=amount,
                                                description="Test"))
        elif kind == "payment":
            ledger.record_payment(db, actor, build(PaymentCreate, lease_id=the_lease.id,
                                                   amount=amount, received_on=day,
                                                   method="cash"))
        else:
            ledger.add_credit(db, actor, build(CreditCreate, lease_id=the_lease.id,
                                               amount=amount, received_on=day, reason="Test"))
    q = LedgerQuery(lease_id=the_lease.id)
    expected = [r.id for r in ledger_list.ledger_page(db, actor, q, sort, descending, 0, 1000)]
    assert len(expected) == len(entries)
    check_paging(ledger_fetch(db, q, sort, descending), ledger_anchors(db, q, sort, descending),
                 expected, size)


# --- tenants, leases, the audit log ----------------------------------------------------------

DAY = date(2026, 3, 1)


def people(db: Database, actor: Actor) -> None:
    """Tenants sharing last names and first names, some without a phone, some without a
    room, leases with and without an end, equal rents and starts."""
    flow = flow_41(db, actor)
    rooms = list(flow.rooms.values())
    for i, (first, last, phone) in enumerate([
            ("Ann", "Smith", "555-0101"), ("Bob", "Smith", None), ("Ann", "Jones", None),
            ("Cy", "Smith", "555-0101"), ("Dee", "Young", None), ("Eve", "Adams", "555-0199"),
            ("Fay", "Smith", None), ("Gus", "Brown", "555-0101")]):
        person = tenant_service.add_tenant(db, actor, build(
            TenantCreate, first_name=first, last_name=last, email=f"p{i}@example.com",
            phone=phone)).id
        if i < 6:  # two have no room
            end = None if i % 2 else DAY + timedelta(days=90 + 30 * (i % 3))
            lease(db, actor, rooms[i], person, DAY - timedelta(days=10 * (i % 2)), end,
                  rent_amount="800" if i % 3 else "750")
    tenant(db, actor, "Hal", "Smith")  # a ninth, archived below: listed only when asked
    archived = tenant_service.search_tenants(db, actor, "hal smith")[0].id
    tenant_service.set_tenant_archived(db, actor, archived, True)


def tenant_pager(db: Database, text: str, sort: str, descending: bool
                 ) -> tuple[Fetch, Anchors]:
    def fetch(seek: Seek, limit: int) -> Slice[Any]:
        return directory.tenant_seek(db, OWNER, text, sort=sort, descending=descending, seek=seek,
                                     limit=limit, on=DAY)

    def anchors(every: int) -> list[Cursor]:
        return directory.tenant_anchors(db, OWNER, text, sort=sort, descending=descending,
                                        every=every, on=DAY)
    return fetch, anchors


def lease_pager(db: Database, text: str, status: str, sort: str, descending: bool
                ) -> tuple[Fetch, Anchors]:
    def fetch(seek: Seek, limit: int) -> Slice[Any]:
        return directory.lease_seek(db, OWNER, text, status=status, sort=sort,
                                    descending=descending,
                                    seek=seek, limit=limit, on=DAY)

    def anchors(every: int) -> list[Cursor]:
        return directory.lease_anchors(db, OWNER, text, status=status, sort=sort,
                                       descending=descending, every=every, on=DAY)
    return fetch, anchors


def audit_pager(db: Database, search: str, descending: bool) -> tuple[Fetch, Anchors]:
    def fetch(seek: Seek, limit: int) -> Slice[Any]:
        return history.audit_seek(db, OWNER, search, descending=descending, seek=seek, limit=limit)

    def anchors(every: int) -> list[Cursor]:
        return history.audit_anchors(db, OWNER, search, descending=descending, every=every)
    return fetch, anchors


@pytest.mark.parametrize("text", ["", "smith"])
def test_tenant_list_pages_by_cursor_for_every_sort(db: Database, actor: Actor,
                                                    text: str) -> None:
    people(db, actor)
    for sort in directory.TENANT_SORTS:
        for descending in (False, True):
            fetch, anchors = tenant_pager(db, text, sort, descending)
            expected = [r.id for r in directory.tenant_rows(
                db, actor, text, sort=sort, descending=descending, limit=None, on=DAY)]
            assert len(expected) == (8 if not text else 4)
            check_paging(fetch, anchors, expected, 3, every_row=2)
    by_phone = directory.tenant_seek(db, actor, sort="phone", descending=True, on=DAY,
                                     limit=20).rows
    assert [r.phone for r in by_phone][-4:] == [None] * 4  # no phone: last, either way
    everyone = directory.tenant_seek(db, actor, include_archived=True, on=DAY, limit=20).rows
    assert len(everyone) == 9


@pytest.mark.parametrize(("status", "text"), [("all", ""), ("current", ""), ("all", "smith")])
def test_lease_list_pages_by_cursor_for_every_sort(db: Database, actor: Actor, status: str,
                                                   text: str) -> None:
    people(db, actor)
    for sort in directory.LEASE_SORTS:
        for descending in (False, True):
            fetch, anchors = lease_pager(db, text, status, sort, descending)
            expected = [r.id for r in directory.lease_rows(
                db, actor, text, status=status, sort=sort, descending=descending, limit=None,
                on=DAY)]
            assert expected
            check_paging(fetch, anchors, expected, 2, every_row=2)
    by_end = directory.lease_seek(db, actor, status="all", sort="end", descending=True, on=DAY).rows
    assert [r.lease_end for r in by_end][-3:] == [None] * 3  # open-ended: last, either way


def entry(row: Any) -> tuple[Any, ...]:
    return (row.occurred_at, row.action, row.entity_id, row.summary)


@pytest.mark.parametrize("search", ["", "tenant"])
def test_audit_log_pages_by_cursor(db: Database, actor: Actor, search: str) -> None:
    people(db, actor)
    for descending in (True, False):
        fetch, anchors = audit_pager(db, search, descending)
        expected = [entry(r) for r in history.audit_entries(db, actor, search,
                                                            descending=descending,
                                                            limit=None)]
        assert len(expected) > 5
        check_paging(fetch, anchors, expected, 4, ident=entry)
    newest = history.audit_seek(db, actor, limit=1).rows[0]
    about = history.audit_seek(db, actor, entity_id=newest.entity_id, limit=50)
    assert entry(newest) in {entry(r) for r in about.rows}


def test_a_seek_for_an_empty_list_is_empty(db: Database, actor: Actor) -> None:
    empty = ledger_list.ledger_seek(db, actor, LedgerQuery(search="nobody"), "amount", True)
    assert empty == Slice([]) and empty.first is None and empty.last is None
    assert ledger_list.ledger_anchors(db, actor, LedgerQuery(), "day", True, 200) == []
    nowhere = Cursor((date(2030, 1, 1), "rent", uuid.uuid4()))  # past the end: nothing after
    assert ledger_list.ledger_seek(db, actor, LedgerQuery(), "day", False, Seek(nowhere)).rows == []
