"""What needs attention (the dashboard's list), on both engines, from the demo's books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.services import attention, deposits, directory, leasing, reminders
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo
from tests.builders import OWNER

DAY = date(2025, 11, 25)


def test_what_needs_attention(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
                              ) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    items = {i.kind: i for i in attention.needs_attention(db, actor, money=lambda d: f"${d:,.2f}")}
    assert list(items) == ["move_outs", "overdue", "reminders", "applications"]
    # Kwame's lease ended yesterday and nobody recorded his move-out
    assert items["move_outs"].count == 1 and items["move_outs"].pane == "leases:overdue"
    overdue = directory.lease_rows(db, actor, status="overdue")  # what that link lists
    assert [r.tenant_name for r in overdue] == ["Kwame Mensah"]
    assert "Kwame Mensah (Maple Commons 102-B)" in items["move_outs"].text
    assert items["overdue"].text.startswith("2 tenants owe $")
    assert "Jessica Alvarez, Tom Becker" in items["overdue"].text
    assert items["reminders"].count == len(reminders.list_outbox(db, actor))
    assert items["applications"].text == "5 applications are waiting for a decision."

    # the move-out recorded: his deposit is now to settle; settled, the item goes
    kwame = next(r for r in leasing.list_leases(db, actor) if r.tenant_name == "Kwame Mensah")
    assert kwame.deposit_amount > Decimal(0)
    leasing.end_lease(db, actor, kwame.id, DAY - timedelta(days=1))
    items = {i.kind: i for i in attention.needs_attention(db, actor)}
    assert "move_outs" not in items and directory.lease_rows(db, actor, status="overdue") == []
    assert items["deposits"].count == 1 and "Kwame Mensah" in items["deposits"].text
    deposits.settle_deposit(db, actor, build(DispositionCreate, lease_id=kwame.id,
                                             decided_on=DAY.isoformat()))
    assert "deposits" not in {i.kind for i in attention.needs_attention(db, actor)}


def test_nothing_needs_attention_in_an_empty_database(db: Database) -> None:
    assert attention.needs_attention(db, OWNER) == []
