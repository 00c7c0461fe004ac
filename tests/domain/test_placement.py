"""The batch planner: constraints, co-placement scores and totals."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import numpy as np
import pytest

from coliv_desktop.domain.fast_matching import RoomSet, profile_of_class
from coliv_desktop.domain.matching import (
    PROFILE_CLASSES,
    CompatibilityProfile,
    pair_score,
    score_room,
)
from coliv_desktop.domain.placement import (
    NOT_A_CANDIDATE,
    PlanApplicant,
    PlanProblem,
    plan_placements,
    solve_independent,
)


def make(sleep: str = "flexible", clean: int = 4, noise: str = "moderate",
         social: str = "sometimes_social", **flags: bool) -> CompatibilityProfile:
    return CompatibilityProfile(sleep_schedule=sleep, cleanliness=clean,  # type: ignore[arg-type]
                                noise_tolerance=noise, social_preference=social, **flags)


def problem(
    applicants: list[CompatibilityProfile],
    units: list[list[CompatibilityProfile]],
    rooms_per_unit: list[int],
    terms: list[tuple[int, int | None]] | None = None,
    allowed: np.ndarray | None = None,
    min_score: int = 1,
) -> PlanProblem:
    room_units = [u for u, count in enumerate(rooms_per_unit) for _ in range(count)]
    roomset = RoomSet([units[u] for u in room_units])
    scores = np.stack([roomset.scores(a) for a in applicants]) if applicants else np.zeros(
        (0, len(room_units)), dtype=np.int64)
    if allowed is not None:
        scores = np.where(allowed, scores, NOT_A_CANDIDATE)
    terms = terms or [(0, None)] * len(applicants)
    people = [PlanApplicant(a.profile_class, start, end, 0)
              for a, (start, end) in zip(applicants, terms, strict=True)]
    residents = [{u: [p.profile_class for p in members] for u, members in enumerate(units)}]
    return PlanProblem(people, room_units, scores, residents, min_score)


def check(p: PlanProblem, plan_rooms: list[int | None], final: list[int]) -> None:
    """Every constraint, and every final score recomputed by the contract's scorer."""
    used = [r for r in plan_rooms if r is not None]
    assert len(used) == len(set(used)), "a room used twice"
    groups: dict[int, list[int]] = defaultdict(list)
    for a, room in enumerate(plan_rooms):
        if room is not None:
            assert p.scores[a, room] >= max(p.min_score, 1), "not a candidate"
            groups[p.room_units[room]].append(a)
    for unit, members in groups.items():
        for a in members:
            me = p.applicants[a]
            mates = [b for b in members if b != a and me.overlaps(p.applicants[b])]
            profiles = [profile_of_class(c) for c in p.residents[me.period].get(unit, ())]
            profiles += [profile_of_class(p.applicants[b].profile_class) for b in mates]
            expected = score_room(profile_of_class(me.profile_class), profiles).score
            assert final[a] == expected
            assert final[a] > 0, "a dealbreaker pair placed together"
            for b in mates:
                assert not pair_score(profile_of_class(me.profile_class),
                                      profile_of_class(p.applicants[b].profile_class)
                                      ).dealbreakers
    for a, room in enumerate(plan_rooms):
        if room is None:
            assert final[a] == 0


def test_a_dealbreaker_pair_is_never_placed_together() -> None:
    allergic = make(pet_allergies=True)
    cat_owner = make(has_pets=True)
    nice = [make(), make()]
    # unit 0 (two free rooms) suits both best; unit 1 (one free room) is worse but fine
    p = problem([allergic, cat_owner], [nice, [make("early_bird", 2, "loud", "private")]],
                [2, 1])
    independent = solve_independent(p.scores, 1)
    assert {p.room_units[r] for r in independent if r is not None} == {0}
    plan = plan_placements(p)
    check(p, plan.rooms, plan.scores)
    assert sorted(p.room_units[r] for r in plan.rooms if r is not None) == [0, 1]
    assert plan.total == sum(plan.scores)
    assert plan.total < plan.independent_total


def test_co_placed_applicants_count_as_roommates() -> None:
    twins = [make("night_owl", 5, "quiet", "private"), make("night_owl", 5, "quiet", "private")]
    p = problem(twins, [[]], [2])
    plan = plan_placements(p)
    check(p, plan.rooms, plan.scores)
    # alone each would score 65 (empty unit); together 100 + 2 (clean) - 5 (one roommate)
    assert plan.independent_total == 130
    assert plan.scores == [97, 97] and plan.total == 194


def test_applicants_whose_terms_do_not_overlap_are_not_roommates() -> None:
    allergic = make(pet_allergies=True)
    cat_owner = make(has_pets=True)
    p = problem([allergic, cat_owner], [[make()]], [2], terms=[(0, 99), (100, None)])
    plan = plan_placements(p)
    check(p, plan.rooms, plan.scores)
    assert None not in plan.rooms and plan.total == plan.independent_total


def test_nobody_is_placed_below_the_minimum_or_in_a_room_they_may_not_take() -> None:
    a, b = make(), make(pet_allergies=True)
    units = [[make(has_pets=True)], [make()]]
    allowed = np.array([[False, True], [True, True]])
    p = problem([a, b], units, [1, 1], allowed=allowed)
    plan = plan_placements(p)
    check(p, plan.rooms, plan.scores)
    assert plan.rooms == [1, None]  # b's only other room has a pet owner: dealbreaker
    strict = problem([a], [[make(clean=1)]], [1], min_score=90)
    assert plan_placements(strict).rooms == [None]


def test_the_independent_solution_is_optimal() -> None:
    rng = random.Random(7)
    for _ in range(30):
        n, m = rng.randint(1, 4), rng.randint(1, 5)
        scores = np.array([[rng.choice([NOT_A_CANDIDATE, 0, 40, 65, 70, 88, 95])
                            for _ in range(m)] for _ in range(n)], dtype=np.int64)
        best = 0
        for rooms in itertools.product([None, *range(m)], repeat=n):
            used = [r for r in rooms if r is not None]
            if len(used) != len(set(used)):
                continue
            if any(r is not None and scores[a, r] < 1 for a, r in enumerate(rooms)):
                continue
            best = max(best, sum(int(scores[a, r]) for a, r in enumerate(rooms) if r is not None))
        found = solve_independent(scores, 1)
        assert sum(int(scores[a, r]) for a, r in enumerate(found) if r is not None) == best


@pytest.mark.parametrize("seed", range(12))
def test_random_intakes_keep_every_constraint(seed: int) -> None:
    rng = random.Random(seed)

    def anyone() -> CompatibilityProfile:
        return profile_of_class(rng.randrange(PROFILE_CLASSES))

    units = [[anyone() for _ in range(rng.randint(0, 3))] for _ in range(rng.randint(2, 12))]
    rooms_per_unit = [rng.randint(1, 3) for _ in units]
    applicants = [anyone() for _ in range(rng.randint(1, 25))]
    terms = [(rng.randint(0, 50), rng.choice([None, rng.randint(60, 200)]))
             for _ in applicants]
    m = sum(rooms_per_unit)
    allowed = np.array([[rng.random() < 0.8 for _ in range(m)] for _ in applicants])
    p = problem(applicants, units, rooms_per_unit, terms, allowed)
    plan = plan_placements(p)
    check(p, plan.rooms, plan.scores)
    assert plan.total == sum(plan.scores)
    assert plan.independent_total == sum(
        int(p.scores[a, r]) for a, r in enumerate(plan.independent_rooms) if r is not None)
    for a, room in enumerate(plan.rooms):
        assert plan.independent_scores[a] == (0 if room is None else int(p.scores[a, room]))
    # the repair and improvement never end below the independent plan scored as it stands,
    # when that plan has no clash to repair
    start = [0] * len(applicants)
    groups: dict[int, list[int]] = defaultdict(list)
    for a, room in enumerate(plan.independent_rooms):
        if room is not None:
            groups[p.room_units[room]].append(a)
    clash = False
    for unit, members in groups.items():
        for a in members:
            me = p.applicants[a]
            mates = [profile_of_class(p.applicants[b].profile_class) for b in members
                     if b != a and me.overlaps(p.applicants[b])]
            residents = [profile_of_class(c) for c in p.residents[0].get(unit, ())]
            start[a] = score_room(profile_of_class(me.profile_class), residents + mates).score
            clash = clash or start[a] == 0
    if not clash:
        assert plan.total >= sum(start)


def test_empty_problems() -> None:
    p = problem([], [[]], [1])
    plan = plan_placements(p)
    assert plan.rooms == [] and plan.total == 0
    q = problem([make()], [], [])
    assert plan_placements(q).rooms == [None]
