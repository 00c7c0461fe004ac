"""Batch placement plans from the stored portfolio, and approving parts of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Application
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.matching import pair_score, score_room
from coliv_desktop.schemas.applications import ApprovalInput
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import (
    applications,
    integrity,
    ledger,
    matching,
    placement,
    portability,
    portfolio,
    rent_run,
)
from coliv_desktop.services.context import Actor
from tests.builders import lease, tenant
from tests.flow42 import MOVE_IN, PROFILES, SARAH, STORY_DAY, apply, flow_42, profile


@pytest.fixture(autouse=True)
def story_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", STORY_DAY)

CAT_OWNER = {**PROFILES["Tom"], "has_pets": True}


def test_the_plan_keeps_its_constraints_and_adds_up(db: Database, actor: Actor) -> None:
    flow_42(db, actor)
    sarah = apply(db, actor)
    max_ = apply(db, actor, "Max", "Keller", profile_data=CAT_OWNER)
    yuki = apply(db, actor, "Yuki", "Sato", profile_data=PROFILES["Mike"], max_rent="700")
    waiting = apply(db, actor, "Wade", "Wait", profile_data=PROFILES["Tom"])
    applications.waitlist_application(db, actor, waiting.id)
    before = portability.dumps(portability.export_data(db, actor))
    result = placement.plan(db, actor)
    assert portability.dumps(portability.export_data(db, actor)) == before  # a plan writes nothing

    placed = {p.application_id: p for p in result.placements}
    assert set(placed) | {u.application_id for u in result.unplaced} == {sarah.id, max_.id,
                                                                          yuki.id}
    rooms = [p.room_id for p in result.placements]
    assert len(rooms) == len(set(rooms))
    assert result.total == sum(p.score for p in result.placements)
    assert result.independent_total >= max(p.independent_score for p in result.placements)
    assert placed[sarah.id].room_label == "3B-A" and placed[sarah.id].score == 92
    assert placed[yuki.id].rent <= 700
    profiles = {sarah.id: profile(SARAH), max_.id: profile(CAT_OWNER),
                yuki.id: profile(PROFILES["Mike"])}
    units = {}
    for p in result.placements:
        units.setdefault((p.property_name, p.unit_number), []).append(p.application_id)
    for members in units.values():
        for a in members:
            for b in members:
                if a != b:
                    assert not pair_score(profiles[a], profiles[b]).dealbreakers
    # each final score is the contract's score with residents and co-placed applicants
    for p in result.placements:
        candidates = matching.get_matches(db, actor, p.application_id).candidates
        stored = next(c for c in candidates if c.room_id == p.room_id)
        assert p.independent_score == stored.score
        residents = [profile(PROFILES[r.label]) for r in stored.roommates]
        mates = [profiles[o] for o in p.co_placed]
        assert p.score == score_room(profiles[p.application_id], residents + mates).score


def test_a_pet_owner_and_an_allergic_applicant_are_kept_apart(db: Database, actor: Actor
                                                               ) -> None:
    flow = flow_42(db, actor)
    for room in ("3B-A", "5C-B", "5C-C", "5C-D", "2A-B"):  # only the empty unit 3A stays free
        portfolio.update_room(db, actor, flow.rooms[room], RoomUpdate(status="maintenance"))
    allergic = apply(db, actor, "Ann", "Allergic",
                     profile_data={**PROFILES["Tom"], "pet_allergies": True})
    owner = apply(db, actor, "Pat", "Petowner", profile_data=CAT_OWNER)
    result = placement.plan(db, actor)
    assert result.independent_total == 130  # both alone in empty 3A: 65 each
    assert [p.unit_number for p in result.placements] == ["3A"]
    assert result.total == 65
    (left,) = result.unplaced
    assert left.application_id in {allergic.id, owner.id}
    other = "Pat Petowner" if left.application_id == allergic.id else "Ann Allergic"
    assert left.reason.startswith(f"a dealbreaker with {other}")


def test_rooms_booked_later_in_the_term_are_left_out_of_the_plan(db: Database, actor: Actor
                                                                 ) -> None:
    flow = flow_42(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Nadia"), MOVE_IN + timedelta(40))
    sarah = apply(db, actor)
    result = placement.plan(db, actor)
    assert all(p.room_label != "3B-A" for p in result.placements)
    assert any(p.application_id == sarah.id for p in result.placements)


def test_approving_the_ticked_lines(db: Database, actor: Actor) -> None:
    flow_42(db, actor)
    sarah = apply(db, actor)
    yuki = apply(db, actor, "Yuki", "Sato", profile_data=PROFILES["Mike"], max_rent="700")
    result = placement.plan(db, actor)
    lines = [(p.application_id, p.room_id) for p in result.placements]
    assert {a for a, _ in lines} == {sarah.id, yuki.id}
    # someone else takes Yuki's room before the plan is approved
    yuki_room = next(r for a, r in lines if a == yuki.id)
    lease(db, actor, yuki_room, tenant(db, actor, "Quick"), MOVE_IN)
    done = placement.approve_plan(db, actor, lines)
    assert [d.application.id for d in done.approved] == [sarah.id]
    assert [a for a, _ in done.failed] == [yuki.id]
    assert "no free bed" in done.failed[0][1]
    assert applications.get_application(db, actor, sarah.id).status == "approved"
    assert applications.get_application(db, actor, yuki.id).status == "pending"


def test_plan_edges(db: Database, actor: Actor) -> None:
    assert placement.plan(db, actor).placements == []
    with pytest.raises(ValidationError) as caught:
        placement.plan(db, actor, min_score=101)
    assert caught.value.field == "min_score"
    flow_42(db, actor)
    picky = apply(db, actor, "Pia", "Picky", max_rent="100")
    result = placement.plan(db, actor)
    assert [(u.application_id, u.reason.split(" (")[0]) for u in result.unplaced] == [
        (picky.id, "no candidate room for the whole term wanted")]
    strict = placement.plan(db, actor, min_score=100)
    assert strict.placements == []


def test_the_plan_reports_progress_and_stops_when_asked(db: Database, actor: Actor) -> None:
    flow_42(db, actor)
    for i in range(3):
        apply(db, actor, f"Applicant{i}", "Tester", profile_data=PROFILES["Tom"])
    steps: list[tuple[int, int, str]] = []
    full = placement.plan(db, actor, progress=lambda done, total, text: steps.append(
        (done, total, text)))
    assert steps[0][2].startswith("Reading 3 applications")
    assert (0, 3) in [(d, t) for d, t, _ in steps]  # scoring, counted per applicant
    assert steps[-1][2].startswith("Finding the best assignment")
    assert full == placement.plan(db, actor)  # the same plan with or without a listener

    class Stop(Exception):
        pass

    def stop_when_scoring(done: int, total: int, text: str) -> None:
        if text.startswith("Scoring"):
            raise Stop

    before = portability.dumps(portability.export_data(db, actor))
    with pytest.raises(Stop):
        placement.plan(db, actor, progress=stop_when_scoring)
    assert portability.dumps(portability.export_data(db, actor)) == before


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(PROFILES)), st.integers(0, 60), st.integers(0, 120),
       st.booleans())
def test_an_approval_undone_leaves_no_trace_in_the_books(
        db: Database, actor: Actor, who: str, move_in_days: int, run_days: int,
        with_deposit: bool) -> None:
    """Approve into the best room, let the rent run post its charges, undo the approval: the
    lease owes nothing, the room is a candidate again, and the books verify."""
    with db.read() as s:
        seen = s.scalar(select(func.count(Application.id))) or 0
    if not seen:
        flow_42(db, actor)
    move_in = MOVE_IN + timedelta(days=move_in_days)
    app = apply(db, actor, f"A{seen}", "Tester", profile_data=PROFILES[who],
                move_in_date=move_in, max_rent=None)
    candidates = [c for c in matching.get_matches(db, actor, app.id).candidates if c.score > 0]
    if not candidates:
        event("no room free")
        return  # nothing free for those dates (earlier examples took the rooms)
    event("approved and undone")
    best = candidates[0]
    done = placement.approve_application(db, actor, app.id, ApprovalInput(
        room_id=best.room_id, deposit_amount="0" if not with_deposit else None))
    rent_run.run_rent(db, actor, move_in + timedelta(days=run_days))
    placement.undo_approval(db, actor, app.id)
    assert applications.get_application(db, actor, app.id).status == "pending"
    book = ledger.lease_ledger(db, actor, done.lease_id)
    assert [c for c in book.charges if c.void_reason is None] == [] and book.balance == 0
    assert best.room_id in {c.room_id for c in matching.get_matches(db, actor, app.id).candidates}
    assert [p for r in integrity.verify_books(db, actor) for p in r.problems] == []
