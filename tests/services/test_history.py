"""The audit log read back: newest first, searched in SQL, paged; on both engines."""

from __future__ import annotations

from pathlib import Path

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import history, portfolio
from coliv_desktop.services.context import Actor
from tests.builders import flow_41


def test_the_audit_log_newest_first_searched_and_paged(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    portfolio.update_room(db, actor, flow.rooms["3B-A"], build(RoomUpdate, rent_amount="950"))
    total = history.count_audit_entries(db, actor)
    assert total >= 10  # the property, two units, seven rooms, the edit
    newest = history.audit_entries(db, actor, limit=1)[0]
    assert (newest.action, newest.entity_type, newest.entity_id) == (
        "update", "room", str(flow.rooms["3B-A"]))
    assert newest.changes["rent_amount"] == ["900.00", "950.00"]
    everything = history.audit_entries(db, actor, limit=None)
    assert len(everything) == total
    assert [e.occurred_at for e in everything] == sorted(
        (e.occurred_at for e in everything), reverse=True)
    pages = history.audit_entries(db, actor, limit=4) + history.audit_entries(db, actor, offset=4,
                                                                              limit=4)
    assert pages == everything[:8]
    edits = history.audit_entries(db, actor, "EDITED ROOM")  # case-insensitive
    assert [e.entity_id for e in edits] == [str(flow.rooms["3B-A"])]
    assert history.count_audit_entries(db, actor, "edited room") == 1
    about = history.audit_entries(db, actor, entity_id=str(flow.rooms["3B-A"]))
    assert [e.action for e in about] == ["update", "create"]


def test_the_audit_log_filtered_by_who_what_and_days_and_exported(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    import csv
    from datetime import date, timedelta

    import pytest

    from coliv_desktop.domain.errors import ValidationError
    from coliv_desktop.services.context import Actor as ActorType
    from coliv_desktop.services.history import AuditFilter

    flow = flow_41(db, actor)
    other = ActorType(user_id=actor.user_id, operator_id=actor.operator_id, name="Sam",
                      role="owner")
    portfolio.update_room(db, other, flow.rooms["3B-A"], build(RoomUpdate, rent_amount="950"))
    who, kinds = history.audit_choices(db, actor)
    assert {actor.name, "Sam"} <= set(who) and {"property", "unit", "room"} <= set(kinds)
    by_sam = history.audit_entries(db, actor, where=AuditFilter(who="Sam"))
    assert [(e.actor_name, e.action) for e in by_sam] == [("Sam", "update")]
    units = history.audit_entries(db, actor, where=AuditFilter(entity_type="unit"), limit=None)
    assert units and {e.entity_type for e in units} == {"unit"}
    today = date.today()
    assert history.count_audit_entries(db, actor, where=AuditFilter(start=today, end=today)) == \
        history.count_audit_entries(db, actor)
    assert history.count_audit_entries(db, actor, where=AuditFilter(end=today - timedelta(1))) == 0
    # the ends of the calendar are bounds that hold everything, not an error
    everything = history.count_audit_entries(db, actor)
    assert history.count_audit_entries(db, actor, where=AuditFilter(
        start=date(1, 1, 1), end=date(9999, 12, 31))) == everything
    with pytest.raises(ValidationError) as refused:
        history.audit_entries(db, actor, where=AuditFilter(start=today, end=today - timedelta(1)))
    assert refused.value.field == "end"
    written = history.export_audit_csv(db, actor, tmp_path / "log.csv",
                                       where=AuditFilter(who="Sam"))
    with (tmp_path / "log.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert written == 1 and rows[0]["who"] == "Sam" and rows[0]["action"] == "update"
    assert '"rent_amount"' in rows[0]["changes"]
