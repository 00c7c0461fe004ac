"""Posted utility bills read back (list, shares) and each tenant's notice with the working."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import attention, leasing, ledger, printing, utilities
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant


def test_bills_read_back_and_notices_print_each_share(db: Database, actor: Actor,
                                                      tmp_path: Path) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 12, 16))
    rooms = utilities.bill_rooms(db, actor, flow.property_id, flow.unit_3b)
    assert [(r.label, r.size_sqft) for r in rooms] == [
        ("3B-A", 150), ("3B-B", 120), ("3B-C", 130), ("3B-D", 130)]
    percent = {r.room_id: D(p) for r, p in zip(rooms, ("40", "20", "20", "20"), strict=True)}
    posted = utilities.post_bill(db, actor, build(
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
        provider="City Water", period_start="2025-12-01", period_end="2025-12-31",
        amount="100.00", due_date="2026-01-15", rule="percentages", percentages=percent))
    assert posted.id is not None
    (row,) = utilities.list_bills(db, actor)
    assert (row.provider, row.unit_number, row.amount, row.shares) == (
        "City Water", "3B", D("100.00"), 3)
    assert row.tenants_share == D("40.00") + D("10.32") and row.operator_share == D("49.68")
    bill = utilities.get_bill(db, actor, posted.id)
    assert bill.place == "Downtown Loft, unit 3B" and bill.due_date == date(2026, 1, 15)
    assert [(s.tenant, s.room, s.amount) for s in bill.shares] == [
        (s.tenant, s.room, s.amount) for s in posted.shares]
    out = printing.utility_notices_pdf(db, actor, posted.id, tmp_path / "notices.pdf")
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) == 2  # Sarah and Mike; the operator's vacant share gets no notice
    assert "Dear Sarah Tester" in pages[0] and "$40.00" in pages[0]
    assert "Dear Mike Tester" in pages[1] and "16 of 31 days" in pages[1]
    assert "Mike" not in pages[0]  # a tenant's notice names nobody else
    only = printing.utility_notices_pdf(db, actor, posted.id, tmp_path / "mike.pdf", [mike.id])
    assert len(PdfReader(only).pages) == 1
    assert sarah.id != mike.id


def test_a_bill_entered_by_mistake_is_voided_whole(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 6, 1))
    posted = utilities.post_bill(db, actor, build(
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
        provider="City Water", period_start="2025-12-01", period_end="2025-12-31",
        amount="1000.00", due_date="2026-01-15", rule="equal"))  # meant 100.00
    assert posted.id is not None
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=sarah.id, amount="500",
                                           received_on="2026-01-10", method="cash"))
    with pytest.raises(ValidationError, match="reason"):
        utilities.void_bill(db, actor, posted.id, "  ")
    assert utilities.void_bill(db, actor, posted.id, "typed 1000 for 100") == 2
    for made in (sarah, mike):
        book = ledger.lease_ledger(db, actor, made.id)
        assert [c.void_reason for c in book.charges if c.kind == "utility"] == [
            "Bill voided: typed 1000 for 100"]
    assert ledger.lease_ledger(db, actor, sarah.id).balance == D("-500.00")  # her payment: credit
    (row,) = utilities.list_bills(db, actor)
    assert row.voided and row.amount == D("1000.00")  # the bill stays on record
    with pytest.raises(ValidationError, match="already voided"):
        utilities.void_bill(db, actor, posted.id, "again")


def test_a_bill_split_again_after_a_move_out_recorded_late(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 6, 1))
    data = build(UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
                 provider="Austin Energy", period_start="2025-12-01", period_end="2025-12-31",
                 amount="124.00", due_date="2026-01-15", rule="per_person",
                 vacant_to="occupants")
    first = utilities.post_bill(db, actor, data)
    assert first.id is not None
    assert {s.tenant: s.amount for s in first.shares} == {
        "Sarah Tester": D("62.00"), "Mike Tester": D("62.00")}
    assert utilities.bill_input(db, actor, first.id) == data  # what it was entered with
    assert utilities.bills_to_split_again(db, actor) == []
    leasing.end_lease(db, actor, sarah.id, date(2026, 2, 28))  # after the period: no change
    assert utilities.bills_to_split_again(db, actor) == []
    leasing.end_lease(db, actor, mike.id, date(2025, 12, 15))  # he left mid-month, told late
    (flagged,) = utilities.bills_to_split_again(db, actor)  # the dashboard names it
    assert flagged.id == first.id and flagged.provider == "Austin Energy"
    again = utilities.resplit_bill(db, actor, first.id)
    assert utilities.bills_to_split_again(db, actor) == []  # the old one is void, the new one right
    shares = {s.tenant: s.amount for s in again.shares}
    assert sum(shares.values()) == D("124.00") and shares["Mike Tester"] < D("62.00")
    live = {made: [c.amount for c in ledger.lease_ledger(db, actor, made.id).charges
                   if c.kind == "utility" and c.void_reason is None] for made in (sarah, mike)}
    assert live[sarah] == [shares["Sarah Tester"]] and live[mike] == [shares["Mike Tester"]]
    rows = {r.id: r.voided for r in utilities.list_bills(db, actor)}
    assert rows == {first.id: True, again.id: False}
    utilities.void_bill(db, actor, again.id, "entered twice")
    with pytest.raises(ValidationError, match="voided"):
        utilities.resplit_bill(db, actor, again.id)
    assert utilities.bills_to_split_again(db, actor) == []  # a void bill is not in force


def test_a_move_in_recorded_after_the_bill_puts_it_on_the_dashboard(
        db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ines"), date(2025, 6, 1))
    bill = utilities.post_bill(db, actor, build(
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
        provider="Gas Co", period_start="2025-12-01", period_end="2025-12-31",
        amount="90.00", due_date="2026-01-15", rule="equal"))
    other = utilities.post_bill(db, actor, build(  # unit 3A: nobody moved in there
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3a,
        provider="Gas Co", period_start="2025-12-01", period_end="2025-12-31",
        amount="60.00", due_date="2026-01-15", rule="equal"))
    lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Omar"), date(2025, 12, 10))
    lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Later"), date(2026, 2, 1))
    assert [b.id for b in utilities.bills_to_split_again(db, actor)] == [bill.id]
    rows = {r.id: r.needs_resplit for r in utilities.list_bills(db, actor)}
    assert rows == {bill.id: True, other.id: False}
    items = {i.kind: i for i in attention.needs_attention(db, actor, date(2026, 1, 2))}
    assert items["utilities"].pane == "ledger:utilities" and items["utilities"].count == 1
    assert "Gas Co" in items["utilities"].text and "Split again" in items["utilities"].text
    utilities.resplit_bill(db, actor, bill.id)
    assert "utilities" not in {i.kind for i in attention.needs_attention(db, actor, date(2026, 1,
                                                                                         2))}
    assert other.id is not None
