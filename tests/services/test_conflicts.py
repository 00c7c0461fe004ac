"""Roommate conflict reports: parties must live in the unit, only sensible status moves, a
dated mediation log (a status change writes a note too), and the read the tenant record and
the Applications pane use. On both engines."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import ConflictCreate, ConflictUpdate
from coliv_desktop.services import conflicts
from coliv_desktop.services.context import Actor
from tests.builders import Flow41, flow_41, lease, tenant


@pytest.fixture
def house(db: Database, actor: Actor) -> tuple[Flow41, dict[str, uuid.UUID]]:
    flow = flow_41(db, actor)
    people = {}
    for name, room in [("Zoë", "3B-A"), ("Иван", "3B-B"), ("Mia", "3B-C"), ("Ola", "3A-A")]:
        people[name] = tenant(db, actor, name)
        lease(db, actor, flow.rooms[room], people[name], date(2025, 1, 1))
    return flow, people


def _report(db: Database, actor: Actor, unit: uuid.UUID, parties: list[uuid.UUID],
            **extra: object) -> uuid.UUID:
    values: dict[str, object] = {"conflict_type": "noise", "severity": "high",
                                 "description": "Music after midnight", **extra}
    return conflicts.report_conflict(db, actor, build(
        ConflictCreate, unit_id=unit, parties=parties, **values)).id


def test_parties_must_live_in_the_unit(db: Database, actor: Actor,
                                       house: tuple[Flow41, dict[str, uuid.UUID]]) -> None:
    flow, people = house
    ident = _report(db, actor, flow.unit_3b, [people["Zoë"], people["Иван"]])
    report = conflicts.get_conflict(db, actor, ident)
    assert report.status == "open" and report.severity == "high"
    assert sorted(p.name for p in report.parties) == ["Zoë Tester", "Иван Tester"]

    with pytest.raises(ValidationError) as elsewhere:
        _report(db, actor, flow.unit_3b, [people["Zoë"], people["Ola"]])
    assert elsewhere.value.field == "parties" and "Ola Tester" in elsewhere.value.detail
    stranger = tenant(db, actor, "Stranger")
    with pytest.raises(ValidationError) as no_lease:
        _report(db, actor, flow.unit_3b, [people["Zoë"], stranger])
    assert "Stranger Tester" in no_lease.value.detail
    with pytest.raises(ValidationError) as one:
        _report(db, actor, flow.unit_3b, [people["Zoë"]])
    assert one.value.field == "parties"
    with pytest.raises(ValidationError) as twice:
        _report(db, actor, flow.unit_3b, [people["Zoë"], people["Zoë"]])
    assert twice.value.field == "parties"
    with pytest.raises(NotFoundError):
        _report(db, actor, flow.unit_3b, [people["Zoë"], uuid.uuid4()])
    with pytest.raises(ValidationError) as category:
        _report(db, actor, flow.unit_3b, [people["Zoë"], people["Mia"]], conflict_type="pets")
    assert category.value.field == "conflict_type"
    assert len(conflicts.list_conflicts(db, actor)) == 1  # the refusals wrote nothing


def test_status_moves_allowed_and_refused_and_the_log(
        db: Database, actor: Actor, house: tuple[Flow41, dict[str, uuid.UUID]]) -> None:
    flow, people = house
    ident = _report(db, actor, flow.unit_3b, [people["Zoë"], people["Mia"]])
    conflicts.add_conflict_note(db, actor, ident, "Spoke to Zoë; she will use headphones.")
    assert conflicts.set_conflict_status(db, actor, ident, "mediating").status == "mediating"
    with pytest.raises(ValidationError) as back:
        conflicts.set_conflict_status(db, actor, ident, "open")
    assert back.value.field == "to_status" and "cannot become open" in back.value.detail
    with pytest.raises(ValidationError) as same:
        conflicts.set_conflict_status(db, actor, ident, "mediating")
    assert "already mediating" in same.value.detail
    conflicts.set_conflict_status(db, actor, ident, "escalated", note="Still loud")
    done = conflicts.set_conflict_status(db, actor, ident, "resolved",
                                         outcome="Quiet hours agreed")
    assert done.status == "resolved" and done.outcome == "Quiet hours agreed"
    assert done.resolved_at is not None
    with pytest.raises(ValidationError):
        conflicts.set_conflict_status(db, actor, ident, "mediating")
    reopened = conflicts.set_conflict_status(db, actor, ident, "open")
    assert reopened.resolved_at is None

    log = conflicts.conflict_notes(db, actor, ident)
    assert [(n.from_status, n.to_status) for n in log] == [
        (None, "open"), (None, None), ("open", "mediating"), ("mediating", "escalated"),
        ("escalated", "resolved"), ("resolved", "open")]
    assert log[1].text.startswith("Spoke to Zoë") and log[3].text == "Still loud"
    assert all(n.author == actor.name and n.created_at is not None for n in log)
    assert [n.text for n in conflicts.get_conflict(db, actor, ident).notes] == \
        [n.text for n in log]
    with pytest.raises(ValidationError) as empty:
        conflicts.add_conflict_note(db, actor, ident, "   ")
    assert empty.value.field == "text"
    with pytest.raises(ValidationError):
        conflicts.set_conflict_status(db, actor, ident, "closed")  # type: ignore[arg-type]


def test_edits_check_the_version(db: Database, actor: Actor,
                                 house: tuple[Flow41, dict[str, uuid.UUID]]) -> None:
    from coliv_desktop.services.context import ChangedMeanwhile

    flow, people = house
    ident = _report(db, actor, flow.unit_3b, [people["Zoë"], people["Mia"]])
    edited = conflicts.update_conflict(db, actor, ident, build(
        ConflictUpdate, severity="low", expected_version=1))
    assert edited.severity == "low" and edited.version == 2
    with pytest.raises(ChangedMeanwhile):
        conflicts.update_conflict(db, actor, ident, build(ConflictUpdate, severity="medium",
                                                          expected_version=1))


def test_conflicts_of_tenants(db: Database, actor: Actor,
                              house: tuple[Flow41, dict[str, uuid.UUID]]) -> None:
    flow, people = house
    first = _report(db, actor, flow.unit_3b, [people["Zoë"], people["Иван"]])
    second = _report(db, actor, flow.unit_3b, [people["Zoë"], people["Иван"], people["Mia"]],
                     conflict_type="bills", severity="low")
    found = conflicts.conflicts_of_tenants(db, actor, [people["Zoë"], people["Mia"],
                                                       people["Ola"]])
    assert set(found) == {people["Zoë"], people["Mia"], people["Ola"]}
    assert {c.id for c in found[people["Zoë"]]} == {first, second}
    mia = found[people["Mia"]]
    assert [(c.id, c.category, c.severity, c.status) for c in mia] == [
        (second, "bills", "low", "open")]
    assert sorted(mia[0].others) == ["Zoë Tester", "Иван Tester"]
    assert mia[0].summary == "Music after midnight"
    assert found[people["Ola"]] == []
    assert conflicts.conflicts_of_tenants(db, actor, []) == {}


def test_permissions(db: Database, actor: Actor,
                     house: tuple[Flow41, dict[str, uuid.UUID]]) -> None:
    flow, people = house
    viewer = Actor(None, None, "Vera", "viewer")
    with pytest.raises(PermissionDeniedError):
        _report(db, viewer, flow.unit_3b, [people["Zoë"], people["Mia"]])
    staff = Actor(None, None, "Stan", "staff")
    ident = _report(db, staff, flow.unit_3b, [people["Zoë"], people["Mia"]])
    assert conflicts.list_conflicts(db, viewer, flow.unit_3b)[0].id == ident
    assert conflicts.list_conflicts(db, viewer, flow.unit_3a) == []
    assert conflicts.list_conflicts(db, viewer, open_only=True)[0].id == ident
