"""Batch placement: one room (or none) per applicant, maximising the plan's total score.

1. The independent problem: every applicant scored against each candidate room's current
   residents only. `linear_sum_assignment` (domain/assignment.py) solves it exactly (one dummy
   "no room" column per applicant, forbidden pairs priced out), giving the independent total.
2. Repair: applicants the plan puts in the same unit are roommates of each other (when their
   lease terms overlap), so their final scores are recomputed with each other counted. A unit
   holding a dealbreaker pair loses the member whose removal leaves the unit the higher total;
   that applicant may not return to the unit and is offered the best free room elsewhere.
3. Improvement: applicants sharing a unit with other planned applicants try moving to another
   free room, or to none, whenever that raises the plan's total (a few passes).

The independent total is reported next to the plan's total. It is the exact optimum when no two
planned applicants would share a unit; co-placement can lower scores (a clash) or raise them
(two compatible applicants filling an empty unit), so it is a reference, not a strict bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coliv_desktop.domain.assignment import linear_sum_assignment
from coliv_desktop.domain.fast_matching import ClassScorer

IntArray = npt.NDArray[np.int64]
NOT_A_CANDIDATE = -1
_FORBIDDEN = 1e9
MOVE_CHOICES = 25  # free rooms (best first) an applicant tries when it has to move
PASSES = 4


@dataclass(frozen=True)
class PlanApplicant:
    profile_class: int
    start: int  # first day of the wanted term (an ordinal)
    end: int | None  # last day (an ordinal); None: open-ended
    period: int  # which resident snapshot applies (applicants sharing a move-in date share one)

    def overlaps(self, other: PlanApplicant) -> bool:
        return ((self.end is None or other.start <= self.end)
                and (other.end is None or self.start <= other.end))


@dataclass(frozen=True)
class PlanProblem:
    applicants: Sequence[PlanApplicant]
    room_units: Sequence[int]  # the unit of each room
    scores: IntArray  # applicants x rooms: score against current residents, or NOT_A_CANDIDATE
    residents: Sequence[Mapping[int, Sequence[int]]]  # per period: unit -> residents' classes
    min_score: int = 1  # never propose a room scoring below this (0 is always a dealbreaker)


@dataclass(frozen=True)
class Plan:
    rooms: list[int | None]  # the room of each applicant, or None
    scores: list[int]  # final scores, co-placed applicants counted (0 when unplaced)
    independent_scores: list[int]  # each placed applicant's score against residents only
    total: int
    independent_total: int
    independent_rooms: list[int | None]  # the optimum of step 1, before the repair
    clashes: dict[int, list[int]]  # applicant moved out of a unit -> who they clashed with


def solve_independent(scores: IntArray, min_score: int) -> list[int | None]:
    """The exact optimum of the independent problem."""
    n, m = scores.shape
    if n == 0 or m == 0:
        return [None] * n
    allowed = scores >= max(min_score, 1)
    useful = np.flatnonzero(allowed.any(axis=0))  # rooms nobody may take are left out
    cost = np.zeros((n, useful.size + n))
    cost[:, :useful.size] = np.where(allowed[:, useful], -scores[:, useful], _FORBIDDEN)
    rows, cols = linear_sum_assignment(cost)
    result: list[int | None] = [None] * n
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col < useful.size and allowed[row, useful[col]]:
            result[row] = int(useful[col])
    return result


class _State:
    def __init__(self, problem: PlanProblem, rooms: list[int | None]) -> None:
        self.p = problem
        self.scorer = ClassScorer()
        self.rooms = list(rooms)
        self.used = {r for r in rooms if r is not None}
        self.groups: dict[int, list[int]] = defaultdict(list)
        for applicant, room in enumerate(rooms):
            if room is not None:
                self.groups[problem.room_units[room]].append(applicant)
        self.banned: set[tuple[int, int]] = set()  # (applicant, unit)
        self._totals: dict[int, int | None] = {}  # unit -> unit_total of its current members

    def member_scores(self, unit: int, members: Sequence[int]) -> list[int]:
        applicants = self.p.applicants
        found = []
        for a in members:
            me = applicants[a]
            roommates = list(self.p.residents[me.period].get(unit, ()))
            roommates += [applicants[b].profile_class for b in members
                          if b != a and me.overlaps(applicants[b])]
            found.append(self.scorer.score(me.profile_class, roommates))
        return found

    def unit_total(self, unit: int, members: Sequence[int]) -> int | None:
        """The members' total, or None when two of them are a dealbreaker pair."""
        scores = self.member_scores(unit, members)
        return None if 0 in scores else sum(scores)

    def current_total(self, unit: int) -> int | None:
        if unit not in self._totals:
            self._totals[unit] = self.unit_total(unit, self.groups.get(unit, []))
        return self._totals[unit]

    def place(self, applicant: int, room: int | None) -> None:
        old = self.rooms[applicant]
        if old is not None:
            self.used.discard(old)
            self.groups[self.p.room_units[old]].remove(applicant)
            self._totals.pop(self.p.room_units[old], None)
        if room is not None:
            self.used.add(room)
            self.groups[self.p.room_units[room]].append(applicant)
            self._totals.pop(self.p.room_units[room], None)
        self.rooms[applicant] = room

    def best_move(self, applicant: int, ranked: IntArray) -> tuple[int, int | None]:
        """(gain, room) of the best free room elsewhere for an unplaced applicant."""
        best: tuple[int, int | None] = (0, None)
        tried_units: set[int] = set()
        for room in ranked.tolist():
            if len(tried_units) >= MOVE_CHOICES:
                break
            unit = self.p.room_units[room]
            if room in self.used or unit in tried_units or (applicant, unit) in self.banned:
                continue
            tried_units.add(unit)
            members = self.groups.get(unit)
            if not members:
                # alone in the unit the score is the independent one; `ranked` is sorted by
                # it, so no later room can beat this one without co-placement effects
                gain = int(self.p.scores[applicant, room])
                if gain > best[0]:
                    best = (gain, room)
                continue
            before = self.current_total(unit)
            after = self.unit_total(unit, [*members, applicant])
            if before is not None and after is not None and after - before > best[0]:
                best = (after - before, room)
        return best


def plan_placements(problem: PlanProblem) -> Plan:
    n = len(problem.applicants)
    scores = problem.scores
    independent = solve_independent(scores, problem.min_score)
    independent_total = sum(int(scores[a, r]) for a, r in enumerate(independent) if r is not None)
    state = _State(problem, independent)
    allowed = scores >= max(problem.min_score, 1)
    order = np.argsort(-np.where(allowed, scores, -1), axis=1, kind="stable")
    ranked = [order[a][allowed[a][order[a]]] for a in range(n)]

    # Repair: no unit keeps a dealbreaker pair.
    evicted: list[int] = []
    clashes: dict[int, list[int]] = {}
    for unit in sorted(u for u, members in state.groups.items() if len(members) > 1):
        while True:
            members = list(state.groups[unit])
            current = state.member_scores(unit, members)
            clashing = [a for a, s in zip(members, current, strict=True) if s == 0]
            if not clashing:
                break
            def left_after(a: int, members: list[int] = members, unit: int = unit) -> int:
                rest = [b for b in members if b != a]
                return sum(state.member_scores(unit, rest))
            victim = max(clashing, key=lambda a: (left_after(a), -a))
            me = problem.applicants[victim].profile_class
            clashes[victim] = [
                b for b in members if b != victim
                and problem.applicants[victim].overlaps(problem.applicants[b])
                and state.scorer.fails(me, problem.applicants[b].profile_class)]
            state.place(victim, None)
            state.banned.add((victim, unit))
            evicted.append(victim)
    for applicant in evicted:
        gain, room = state.best_move(applicant, ranked[applicant])
        if room is not None:
            state.place(applicant, room)

    # Improvement: applicants sharing a unit with other planned applicants.
    for _ in range(PASSES):
        improved = False
        for applicant in range(n):
            room = state.rooms[applicant]
            if room is None:
                continue
            unit = problem.room_units[room]
            members = state.groups[unit]
            if len(members) < 2:
                continue
            with_me = state.current_total(unit)
            without_me = state.unit_total(unit, [b for b in members if b != applicant])
            if with_me is None or without_me is None:
                continue
            state.place(applicant, None)
            gain, target = state.best_move(applicant, ranked[applicant])
            leave_gain = without_me - with_me
            if target is not None and gain + leave_gain > 0:
                state.place(applicant, target)
                improved = True
            elif leave_gain > 0:
                improved = True  # stays unplaced: the unit is better off without them
            else:
                state.place(applicant, room)
        if not improved:
            break

    final = [0] * n
    for unit, members in state.groups.items():
        for a, s in zip(members, state.member_scores(unit, members), strict=True):
            final[a] = s
    independent_scores = [int(scores[a, r]) if r is not None else 0
                          for a, r in enumerate(state.rooms)]
    return Plan(rooms=state.rooms, scores=final, independent_scores=independent_scores,
                total=sum(final), independent_total=independent_total,
                independent_rooms=independent, clashes=clashes)
