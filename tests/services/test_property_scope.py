"""Issue 13: a user limited to some properties sees only those, in every list, report, export
and search, and may change nothing outside them (`services.scope`)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Payment, Property, Room, Tenant, Unit
from coliv_desktop.domain.errors import NotFoundError, PermissionDeniedError, UnknownReference
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.people import TenantUpdate
from coliv_desktop.services import (
    attention,
    dashboard,
    directory,
    history,
    leasing,
    ledger,
    ledger_list,
    overview,
    portability,
    portfolio,
    printing,
    reports,
    tenants,
    turnover,
    utilities,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo
from coliv_desktop.services.ledger_list import LedgerQuery

DAY = date(2026, 3, 15)


class Houses:
    def __init__(self, db: Database) -> None:
        with db.read() as s:
            rows = s.execute(select(Property.id, Property.name).order_by(Property.name)).all()
            self.mine, self.other = rows[0].id, rows[1].id
            self.names = {r.id: r.name for r in rows}
            placed = (select(Lease.id, Lease.tenant_id, Unit.property_id)
                      .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id))
            self.lease_house = {r.id: r.property_id for r in s.execute(placed)}
            self.tenant_houses: dict[uuid.UUID, set[uuid.UUID]] = {}
            for r in s.execute(placed):
                self.tenant_houses.setdefault(r.tenant_id, set()).add(r.property_id)
            self.all_tenants = set(s.scalars(select(Tenant.id)))

    def leases_of(self, house: uuid.UUID) -> set[uuid.UUID]:
        return {ident for ident, prop in self.lease_house.items() if prop == house}

    def tenants_of(self, house: uuid.UUID) -> set[uuid.UUID]:
        return {ident for ident, houses in self.tenant_houses.items() if house in houses}


@pytest.fixture
def book(db: Database, actor: Actor) -> Houses:
    load_demo(db, actor, DAY)
    return Houses(db)


def limited(actor: Actor, houses: Houses, role: str = "manager") -> Actor:
    return Actor(actor.user_id, actor.operator_id, "Limited Lee", role,
                 property_ids=frozenset({houses.mine}))


def test_lists_and_searches_show_only_the_users_houses(db: Database, actor: Actor,
                                                       book: Houses) -> None:
    lee = limited(actor, book)
    assert [p.id for p in portfolio.list_properties(db, lee)] == [book.mine]
    assert [i for i, _ in portfolio.property_choices(db, lee)] == [book.mine]
    mine = book.tenants_of(book.mine)
    assert mine and mine != book.all_tenants
    assert {t.id for t in tenants.search_tenants(db, lee)} == mine
    assert tenants.count_tenants(db, lee) == len(mine)
    assert {r.id for r in directory.tenant_rows(db, lee, "", include_archived=True,
                                                 on=DAY)} == mine
    assert directory.count_tenant_rows(db, lee, "", include_archived=True, on=DAY) == len(mine)
    leases = book.leases_of(book.mine)
    assert {r.id for r in leasing.list_leases(db, lee)} == leases
    assert {r.id for r in directory.lease_rows(db, lee, "", status="all", on=DAY)} == leases
    # a search typed for someone in another house finds nobody
    stranger = next(iter(book.tenants_of(book.other) - mine))
    name = tenants.get_tenant(db, actor, stranger).last_name
    assert all(t.id in mine for t in tenants.search_tenants(db, lee, name))
    tree = overview.portfolio_tree(db, lee, on=DAY)
    assert {r.property_id for r in tree.rows} == {book.mine}
    rooms = {room for room, _bed in leasing.free_rooms(db, lee, DAY, None)}
    with db.read() as s:
        houses = dict(s.execute(select(Room.id, Unit.property_id)
                                .join(Unit, Unit.id == Room.unit_id)).all())
    assert rooms and {houses[r] for r in rooms} == {book.mine}
    assert {b.property_name for b in utilities.list_bills(db, lee)} <= {book.names[book.mine]}


def test_money_and_reports_are_those_of_the_users_houses(db: Database, actor: Actor,
                                                         book: Houses) -> None:
    lee = limited(actor, book, "accountant")
    leases = book.leases_of(book.mine)
    page = ledger_list.ledger_page(db, lee, LedgerQuery(), "day", False, 0, 10_000)
    assert page and {r.lease_id for r in page} <= leases
    assert ledger_list.ledger_count(db, lee, LedgerQuery()) == len(page)
    assert ledger_list.ledger_count(db, actor, LedgerQuery()) > len(page)
    roll = reports.rent_roll(db, lee, DAY)
    assert roll.rows and {r.lease_id for r in roll.rows} <= leases
    everyone = reports.rent_roll(db, actor, DAY)
    assert roll.total_rent == sum((r.rent for r in everyone.rows if r.lease_id in leases),
                                  Decimal("0"))
    month = f"{DAY:%Y-%m}"
    assert (reports.collection(db, lee, month).collected
            == reports.collection(db, actor, month, book.mine).collected)
    aging = reports.aging_report(db, lee, DAY)
    assert {r.lease_id for r in aging.rows} <= leases
    income = reports.income(db, lee, DAY - timedelta(days=365), DAY)
    with db.read() as s:
        theirs = s.scalars(select(Payment.amount).where(
            Payment.lease_id.in_(leases), Payment.received_on <= DAY,
            Payment.received_on >= DAY - timedelta(days=365))).all()
    assert income.total <= sum(theirs, Decimal("0")) + Decimal("0.001") or not theirs
    board = dashboard.dashboard(db, lee, DAY)
    assert [p.id for p in board.properties] == [book.mine]
    for item in attention.needs_attention(db, lee, on=DAY):
        assert book.names[book.other] not in item.text
    moves = turnover.turnover(db, lee, 365, start=DAY - timedelta(days=180))
    events = [*moves.move_ins, *moves.move_outs, *moves.ending_without_renewal,
              *moves.becoming_vacant]
    assert events and {e.property_id for e in events} == {book.mine}


def test_rows_of_other_houses_are_not_found(db: Database, actor: Actor, book: Houses,
                                            tmp_path: Path) -> None:
    lee = limited(actor, book)
    stranger = next(iter(book.tenants_of(book.other) - book.tenants_of(book.mine)))
    their_lease = next(iter(book.leases_of(book.other)))
    with pytest.raises(NotFoundError):
        tenants.get_tenant(db, lee, stranger)
    with pytest.raises(NotFoundError):
        leasing.get_lease(db, lee, their_lease)
    with pytest.raises((NotFoundError, UnknownReference)):
        ledger.lease_ledger(db, lee, their_lease)
    with pytest.raises(NotFoundError):
        portfolio.get_property(db, lee, book.other)
    with pytest.raises((NotFoundError, UnknownReference)):
        printing.statement_pdf(db, lee, their_lease, DAY - timedelta(days=60), DAY,
                               tmp_path / "s.pdf")
    assert not (tmp_path / "s.pdf").exists()


def test_what_spans_every_house_is_refused(db: Database, actor: Actor, book: Houses,
                                           tmp_path: Path) -> None:
    lee = limited(actor, book)
    with pytest.raises(PermissionDeniedError, match="audit log"):
        history.audit_entries(db, lee)
    owner = Actor(actor.user_id, actor.operator_id, "Limited owner", "owner",
                  property_ids=frozenset({book.mine}))
    with pytest.raises(PermissionDeniedError, match="whole book"):
        portability.export_file(db, owner, tmp_path / "all.json")
    assert not (tmp_path / "all.json").exists()


def test_writes_outside_the_users_houses_are_refused(db: Database, actor: Actor,
                                                     book: Houses) -> None:
    lee = limited(actor, book)
    stranger = next(iter(book.tenants_of(book.other) - book.tenants_of(book.mine)))
    neighbour = next(iter(book.tenants_of(book.mine)))
    before = tenants.get_tenant(db, actor, stranger)
    with pytest.raises(PermissionDeniedError, match="own properties"):
        tenants.update_tenant(db, lee, stranger, build(TenantUpdate, phone="555-0199"))
    assert tenants.get_tenant(db, actor, stranger).phone == before.phone
    tenants.update_tenant(db, lee, neighbour, build(TenantUpdate, phone="555-0188"))
    assert tenants.get_tenant(db, actor, neighbour).phone == "555-0188"
    their_lease = next(iter(book.leases_of(book.other)))
    count = ledger_list.ledger_count(db, actor, LedgerQuery())
    with pytest.raises((PermissionDeniedError, NotFoundError, UnknownReference)):
        ledger.record_payment(db, lee, build(PaymentCreate, lease_id=their_lease,
                                             amount="10", received_on=DAY.isoformat(),
                                             method="cash"))
    assert ledger_list.ledger_count(db, actor, LedgerQuery()) == count
