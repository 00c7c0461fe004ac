"""Read models for the desktop: tree rows, rent roll, turnover, directories, contact log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseRenewal
from coliv_desktop.schemas.overview import ContactCreate
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import (
    contacts,
    dashboard,
    directory,
    leasing,
    overview,
    portability,
    portfolio,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.turnover import timeline, turnover
from tests.builders import flow_41, lease, tenant

DAY = date(2026, 3, 1)


def test_outline_counts_units_and_rooms_per_property_and_per_unit(db: Database, actor: Actor
                                                                   ) -> None:
    flow = flow_41(db, actor)
    sarah, mike = tenant(db, actor, "Sarah", "Thompson"), tenant(db, actor, "Mike", "Chen")
    lease(db, actor, flow.rooms["3B-A"], sarah, DAY - timedelta(days=10), DAY + timedelta(30))
    lease(db, actor, flow.rooms["3A-B"], mike, DAY + timedelta(days=5))  # not in yet
    portfolio.set_room_archived(db, actor, flow.rooms["3A-C"], True)
    (prop,) = overview.outline(db, actor, DAY)
    assert (prop.id, prop.label, prop.children) == (flow.property_id, "Downtown Loft", 2)
    assert (prop.rooms_total, prop.rooms_occupied) == (6, 1)  # the archived room is gone
    units = overview.outline(db, actor, DAY, property_id=flow.property_id)
    assert [(u.label, u.children, u.rooms_total, u.rooms_occupied) for u in units] == [
        ("3A", 2, 2, 0), ("3B", 4, 4, 1)]
    board = dashboard.dashboard(db, actor, DAY)
    assert (board.rooms_total, board.rooms_occupied) == (prop.rooms_total, prop.rooms_occupied)


def test_tree_rows_show_occupants_and_empty_units(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = tenant(db, actor, "Sarah", "Thompson")
    lease(db, actor, flow.rooms["3B-A"], sarah, DAY - timedelta(days=10), DAY + timedelta(30))
    portfolio.update_room(db, actor, flow.rooms["3B-B"], build(RoomUpdate, status="maintenance"))
    from coliv_desktop.schemas.portfolio import UnitCreate

    portfolio.add_unit(db, actor, build(UnitCreate, property_id=flow.property_id,
                                        unit_number="4C", bedrooms=2, bathrooms="1"))
    tree = overview.portfolio_tree(db, actor, DAY)
    rooms = {f"{r.unit_number}-{r.room_number}": r for r in tree.rows if r.room_id}
    assert len(rooms) == 7
    assert rooms["3B-A"].tenants == ["Sarah Thompson"] and rooms["3B-A"].beds_occupied == 1
    assert rooms["3B-A"].occupied_until == DAY + timedelta(30)
    assert rooms["3B-B"].status == "maintenance" and rooms["3B-B"].tenants == []
    empty_units = [r for r in tree.rows if r.unit_id and r.room_id is None]
    assert [r.unit_number for r in empty_units] == ["4C"]


def test_rent_roll_sums_active_leases_against_potential(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), DAY, rent_amount="880")
    lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), DAY + timedelta(days=5))
    (roll,) = overview.rent_roll(db, actor, DAY)
    assert roll.rent_roll == Decimal("880.00")
    assert roll.potential == Decimal("5350.00")  # 3 x 700 + 3250


def test_turnover_windows(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    ends_soon = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"),
                      DAY - timedelta(days=200), DAY + timedelta(days=20))
    renewed = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"),
                    DAY - timedelta(days=100), DAY + timedelta(days=10))
    leasing.renew_lease(db, actor, renewed.id, build(LeaseRenewal,
                                                     new_end=DAY + timedelta(days=200)))
    leaving = lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Jess"),
                    DAY - timedelta(days=100), DAY + timedelta(days=80))
    leasing.end_lease(db, actor, leaving.id, DAY + timedelta(days=45))
    newcomer = lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Tom"),
                     DAY + timedelta(days=46), DAY + timedelta(days=300))
    lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Ana"), DAY + timedelta(days=50))

    month = turnover(db, actor, 30, start=DAY)
    assert [e.lease_id for e in month.ending_without_renewal] == [ends_soon.id]
    assert month.ending_without_renewal[0].day == DAY + timedelta(days=20)
    assert month.move_outs == [] and month.move_ins == []
    assert [(e.room_number, e.day) for e in month.becoming_vacant] == [
        ("A", DAY + timedelta(days=21))]

    quarter = turnover(db, actor, 90, start=DAY)
    assert [e.tenant_name for e in quarter.move_ins] == ["Tom Tester", "Ana Tester"]
    assert [e.tenant_name for e in quarter.move_outs] == ["Jess Tester"]
    assert newcomer.id not in {e.lease_id for e in quarter.becoming_vacant}
    # Jess leaves on day 45 and Tom arrives on day 46: room C never stands empty.
    assert {e.room_number for e in quarter.becoming_vacant} == {"A"}
    with pytest.raises(ValidationError):
        turnover(db, actor, -1)


def test_timeline_lists_every_bed_and_the_leases_in_the_window(db: Database,
                                                               actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), DAY - timedelta(days=400),
          DAY - timedelta(days=200))
    current = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Mike"), DAY)
    line = timeline(db, actor, DAY - timedelta(days=30), DAY + timedelta(days=90))
    assert len(line.beds) == 7
    assert [b.lease_id for b in line.bars] == [current.id]


def test_tenant_rows_search_sort_and_page_in_sql(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    names = ["Zed", "Amy", "Bob", "Cara", "Dan"]
    ids = {n: tenant(db, actor, n, "Smith" if n != "Zed" else "Adams") for n in names}
    lease(db, actor, flow.rooms["3B-A"], ids["Bob"], DAY - timedelta(days=5))
    rows = directory.tenant_rows(db, actor, on=DAY)
    assert [r.first_name for r in rows] == ["Zed", "Amy", "Bob", "Cara", "Dan"]
    assert rows[2].room == "Downtown Loft · 3B-A"
    page = directory.tenant_rows(db, actor, sort="name", descending=True, offset=1, limit=2, on=DAY)
    assert [r.first_name for r in page] == ["Cara", "Bob"]
    assert [r.first_name for r in directory.tenant_rows(db, actor, "3b-a", on=DAY)] == ["Bob"]
    assert directory.count_tenant_rows(db, actor, "smith", on=DAY) == 4
    by_room = directory.tenant_rows(db, actor, sort="room", on=DAY)
    assert by_room[0].first_name == "Bob"  # tenants without a room sort last
    with pytest.raises(ValidationError):
        directory.tenant_rows(db, actor, sort="password")


def test_lease_rows_filter_by_status(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), DAY - timedelta(days=9))
    lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), DAY + timedelta(days=9))
    lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Old"), DAY - timedelta(days=90),
          DAY - timedelta(days=30))
    def names(status: str) -> list[str]:
        return [r.tenant_name for r in directory.lease_rows(db, actor, status=status, on=DAY)]

    assert names("current") == ["Sarah Tester"]
    assert names("upcoming") == ["Mike Tester"]
    assert names("ended") == ["Old Tester"]
    assert directory.count_lease_rows(db, actor, status="all", on=DAY) == 3
    rows = directory.lease_rows(db, actor, "mike", status="all", sort="start", descending=True,
                                on=DAY)
    assert [r.tenant_name for r in rows] == ["Mike Tester"]


def test_contact_log_is_dated_and_searchable(db: Database, actor: Actor) -> None:
    sarah = tenant(db, actor, "Sarah")
    contacts.add_contact(db, actor, build(ContactCreate, tenant_id=sarah, kind="call",
                                          contact_date="2026-02-01",
                                          summary="Asked about parking"))
    contacts.add_contact(db, actor, build(ContactCreate, tenant_id=sarah, kind="visit",
                                          contact_date="2026-02-10",
                                          summary="Fixed the window latch"))
    log = contacts.list_contacts(db, actor, sarah)
    assert [c.kind for c in log] == ["visit", "call"]
    assert log[0].recorded_by == actor.name
    assert [c.summary for c in contacts.list_contacts(db, actor, sarah, "PARKING")] == [
        "Asked about parking"]
    before = portability.dumps(portability.export_data(db, actor))
    with pytest.raises(ValidationError) as err:
        build(ContactCreate, tenant_id=sarah, kind="fax", contact_date="2026-02-10",
              summary="x")
    assert err.value.field == "kind"
    with pytest.raises(ValidationError) as err:
        build(ContactCreate, tenant_id=sarah, kind="call", contact_date="2026-02-10",
              summary="  ")
    assert err.value.field == "summary"
    assert portability.dumps(portability.export_data(db, actor)) == before
