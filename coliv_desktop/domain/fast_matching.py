"""The scorer's fast path: one applicant against thousands of rooms, vectorised with numpy.

Everything `score_room` reads from a profile fits in one of `PROFILE_CLASSES` (2,160) classes,
so an applicant's pair score against every class is a small table computed once (integer
hundredths, exact). A `RoomSet` holds each room's roommates as class numbers plus the facts that
do not depend on the applicant (how many, all clean, a social mix), so scoring is a gather, a
sum and integer arithmetic per room; rounding half up is an exact integer floor division:

    score = floor(S / (100 n) + A + 1/2) = (2 S + 200 n A + 100 n) // (200 n)

with S the sum of pair scores in hundredths, n the roommates and A the adjustments. The
results equal `matching.score_room(...).score` for every input (tests compare them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from coliv_desktop.domain.matching import (
    CLEAN_BONUS,
    CLEANLINESS_SCORE,
    EMPTY_ROOM_BASE,
    NOISE_POSITION,
    NOISE_TOLERANCES,
    PROFILE_CLASSES,
    SLEEP_POSITION,
    SLEEP_SCHEDULES,
    SOCIAL_MIX_BONUS,
    SOCIAL_PREFERENCES,
    SOCIAL_SCORE,
    TIERS,
    VACANCY_PENALTY,
    WEIGHTS,
    CompatibilityProfile,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SENTINEL = PROFILE_CLASSES  # the class number of "nobody" in a padded roommate table


@dataclass(frozen=True)
class _Classes:
    sleep: IntArray
    clean: IntArray
    noise: IntArray
    social: IntArray
    has_pets: BoolArray
    allergies: BoolArray
    smoking: BoolArray
    smoking_ok: BoolArray


@cache
def _classes() -> _Classes:
    """Decode every class number into its fields (the inverse of matching.class_index)."""
    index = np.arange(PROFILE_CLASSES, dtype=np.int64)
    flags = []
    for _ in range(4):
        flags.append((index % 2).astype(bool))
        index //= 2
    smoking_ok, smoking, allergies, has_pets = flags
    social = index % 3
    index //= 3
    noise = index % 3
    index //= 3
    clean = index % 5 + 1
    sleep = index // 5
    sleep_pos = np.array([SLEEP_POSITION[s] for s in SLEEP_SCHEDULES])[sleep]
    noise_pos = np.array([NOISE_POSITION[s] for s in NOISE_TOLERANCES])[noise]
    return _Classes(sleep_pos, clean, noise_pos, social, has_pets, allergies, smoking, smoking_ok)


@cache
def _social_matrix() -> IntArray:
    values = [[SOCIAL_SCORE[frozenset({a, b})] for b in SOCIAL_PREFERENCES]
              for a in SOCIAL_PREFERENCES]
    return np.array(values, dtype=np.int64)


def _distance(d: IntArray) -> IntArray:
    return np.where(d == 0, 100, np.where(d <= 50, 70, 40))


def applicant_rows(applicant: CompatibilityProfile) -> tuple[IntArray, BoolArray]:
    """The applicant's pair score (hundredths) and dealbreaker against every class, plus a
    last entry for the padding class (0 and False)."""
    c = _classes()
    sleep = _distance(np.abs(c.sleep - SLEEP_POSITION[applicant.sleep_schedule]))
    noise = _distance(np.abs(c.noise - NOISE_POSITION[applicant.noise_tolerance]))
    clean_diff = np.abs(c.clean - applicant.cleanliness)
    clean = np.full(PROFILE_CLASSES, 30, dtype=np.int64)
    for diff, value in CLEANLINESS_SCORE.items():
        clean[clean_diff == diff] = value
    social = _social_matrix()[SOCIAL_PREFERENCES.index(applicant.social_preference)][c.social]
    fail = (
        (applicant.pet_allergies & c.has_pets)
        | (applicant.has_pets & c.allergies)
        | (c.smoking & (not applicant.smoking_ok))
        | (applicant.smoking & ~c.smoking_ok)
    )
    total = (WEIGHTS["sleep_schedule"] * sleep + WEIGHTS["cleanliness"] * clean
             + WEIGHTS["social_compatibility"] * social + WEIGHTS["noise_tolerance"] * noise
             + WEIGHTS["dealbreakers"] * np.where(fail, 0, 100))
    return np.append(total, 0).astype(np.int64), np.append(fail, False)


class RoomSet:
    """Many rooms' roommates, prepared once, scored against any number of applicants."""

    def __init__(self, rooms: Sequence[Sequence[CompatibilityProfile]]) -> None:
        self.size = len(rooms)
        counts = np.array([len(r) for r in rooms], dtype=np.int64)
        width = int(counts.max()) if self.size else 0
        members = np.full((self.size, max(width, 1)), SENTINEL, dtype=np.int64)
        # The class number straight from pydantic's private slot (see profile_class).
        flat = np.array([p.__pydantic_private__["_class_index"]  # type: ignore[index]
                         for r in rooms for p in r], dtype=np.int64)
        row = np.repeat(np.arange(self.size), counts)
        starts = np.cumsum(counts) - counts
        column = np.arange(flat.size) - np.repeat(starts, counts)
        members[row, column] = flat
        self._init_arrays(members, counts)

    @classmethod
    def from_classes(cls, members: IntArray, counts: IntArray) -> RoomSet:
        """From a padded (rooms x width) table of class numbers (SENTINEL as padding)."""
        self = cls.__new__(cls)
        self.size = int(members.shape[0])
        self._init_arrays(members, counts)
        return self

    def _init_arrays(self, members: IntArray, counts: IntArray) -> None:
        c = _classes()
        self.members = members
        self.counts = counts
        clean_ok = np.append(c.clean >= 4, True)[members]
        self.all_clean = clean_ok.all(axis=1) & (counts > 0)
        social_bit = np.append(1 << c.social, 0)[members]
        seen = np.bitwise_or.reduce(social_bit, axis=1)
        self.social_mix = (seen & (seen - 1)) != 0  # two or more bits set

    def scores(self, applicant: CompatibilityProfile) -> IntArray:
        """Each room's score for `applicant`, equal to score_room(...).score."""
        pair, fail = applicant_rows(applicant)
        return self.scores_from_rows(pair, fail)

    def scores_from_rows(self, pair: IntArray, fail: BoolArray) -> IntArray:
        n = self.counts
        total = pair[self.members].sum(axis=1)
        failed = fail[self.members].any(axis=1)
        adjust = (CLEAN_BONUS * self.all_clean
                  + SOCIAL_MIX_BONUS * (self.social_mix & (total > 100 * EMPTY_ROOM_BASE * n))
                  + VACANCY_PENALTY * (n < 2))
        safe_n = np.maximum(n, 1)
        occupied = (2 * total + 200 * safe_n * adjust + 100 * safe_n) // (200 * safe_n)
        score = np.where(n > 0, occupied, EMPTY_ROOM_BASE + adjust)
        score = np.clip(score, 0, 100)
        return np.where(failed, 0, score).astype(np.int64)


def score_rooms(
    applicant: CompatibilityProfile, rooms: Sequence[Sequence[CompatibilityProfile]]
) -> IntArray:
    """The fast equivalent of `[score_room(applicant, r).score for r in rooms]`."""
    return RoomSet(rooms).scores(applicant)


_TIER_BOUNDS = np.array([50, 70, 85])


def tiers(scores: IntArray) -> list[str]:
    """Tier names for an array of scores (same rule as matching.tier_for)."""
    order = list(reversed(TIERS))  # not_recommended, moderate, good, excellent
    return [order[i] for i in np.searchsorted(_TIER_BOUNDS, scores, side="right")]


class ClassScorer:
    """Scalar scoring by class numbers, for many small what-ifs (the batch planner's repair):
    the same integer arithmetic as RoomSet, with each applicant class's row cached as lists."""

    def __init__(self) -> None:
        c = _classes()
        self._clean_ok = [bool(x) for x in c.clean >= 4]
        self._social = [int(x) for x in c.social]
        self._rows: dict[int, tuple[list[int], list[bool]]] = {}

    def _row(self, applicant: int) -> tuple[list[int], list[bool]]:
        row = self._rows.get(applicant)
        if row is None:
            pair, fail = applicant_rows(profile_of_class(applicant))
            row = ([int(x) for x in pair], [bool(x) for x in fail])
            self._rows[applicant] = row
        return row

    def fails(self, a: int, b: int) -> bool:
        return self._row(a)[1][b]

    def score(self, applicant: int, roommates: Sequence[int]) -> int:
        n = len(roommates)
        if n == 0:
            return EMPTY_ROOM_BASE + VACANCY_PENALTY
        pair, fail = self._row(applicant)
        total = 0
        for member in roommates:
            if fail[member]:
                return 0
            total += pair[member]
        adjust = 0
        if all(self._clean_ok[m] for m in roommates):
            adjust += CLEAN_BONUS
        if total > 100 * EMPTY_ROOM_BASE * n and len({self._social[m] for m in roommates}) >= 2:
            adjust += SOCIAL_MIX_BONUS
        if n < 2:
            adjust += VACANCY_PENALTY
        return max(0, min(100, (2 * total + 200 * n * adjust + 100 * n) // (200 * n)))


@cache
def profile_of_class(index: int) -> CompatibilityProfile:
    """A profile of class `index` (its scoring fields; the rest left at their defaults)."""
    c = _classes()
    return CompatibilityProfile(
        sleep_schedule=SLEEP_SCHEDULES[[0, 50, 100].index(int(c.sleep[index]))],
        cleanliness=int(c.clean[index]),
        noise_tolerance=NOISE_TOLERANCES[[0, 50, 100].index(int(c.noise[index]))],
        social_preference=SOCIAL_PREFERENCES[int(c.social[index])],
        has_pets=bool(c.has_pets[index]),
        pet_allergies=bool(c.allergies[index]),
        smoking=bool(c.smoking[index]),
        smoking_ok=bool(c.smoking_ok[index]),
    )
