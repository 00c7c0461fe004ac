"""Posted utility bills read back (list, shares) and each tenant's notice with the working."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

from pypdf import PdfReader

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import printing, utilities
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant


def test_bills_read_back_and_notices_print_each_share(db: Database, actor: Actor,
                                                      tmp_path: Path) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 12, 16))
    rooms = utilities.bill_rooms(db, flow.property_id, flow.unit_3b)
    assert [(r.label, r.size_sqft) for r in rooms] == [
        ("3B-A", 150), ("3B-B", 120), ("3B-C", 130), ("3B-D", 130)]
    percent = {r.room_id: D(p) for r, p in zip(rooms, ("40", "20", "20", "20"), strict=True)}
    posted = utilities.post_bill(db, actor, build(
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
        provider="City Water", period_start="2025-12-01", period_end="2025-12-31",
        amount="100.00", due_date="2026-01-15", rule="percentages", percentages=percent))
    assert posted.id is not None
    (row,) = utilities.list_bills(db)
    assert (row.provider, row.unit_number, row.amount, row.shares) == (
        "City Water", "3B", D("100.00"), 3)
    assert row.tenants_share == D("40.00") + D("10.32") and row.operator_share == D("49.68")
    bill = utilities.get_bill(db, posted.id)
    assert bill.place == "Downtown Loft, unit 3B" and bill.due_date == date(2026, 1, 15)
    assert [(s.tenant, s.room, s.amount) for s in bill.shares] == [
        (s.tenant, s.room, s.amount) for s in posted.shares]
    out = printing.utility_notices_pdf(db, posted.id, tmp_path / "notices.pdf")
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) == 2  # Sarah and Mike; the operator's vacant share gets no notice
    assert "Dear Sarah Tester" in pages[0] and "$40.00" in pages[0]
    assert "Dear Mike Tester" in pages[1] and "16 of 31 days" in pages[1]
    assert "Mike" not in pages[0]  # a tenant's notice names nobody else
    only = printing.utility_notices_pdf(db, posted.id, tmp_path / "mike.pdf", [mike.id])
    assert len(PdfReader(only).pages) == 1
    assert sarah.id != mike.id
