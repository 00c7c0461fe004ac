"""Roommate compatibility: the exact scoring contract of MATCHING.md, as pure functions.

`score_room(applicant, roommates)` scores one applicant against the people who would share the
unit. All arithmetic is exact: criterion scores are integers, pair scores are kept in integer
hundredths of a point (the weights 0.30/0.25/0.20/0.15/0.10 become 30/25/20/15/10), means are
`Fraction`s, and rounding is half up. No binary float is ever involved, so a mean that lands
exactly on .5 always rounds up.

Which rooms are candidates, who the roommates are and storing results belong to the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import parse_money

SleepSchedule = Literal["early_bird", "flexible", "night_owl"]
NoiseTolerance = Literal["quiet", "moderate", "loud"]
SocialPreference = Literal["private", "sometimes_social", "very_social"]
Tier = Literal["excellent", "good", "moderate", "not_recommended"]

SLEEP_SCHEDULES: tuple[SleepSchedule, ...] = ("early_bird", "flexible", "night_owl")
NOISE_TOLERANCES: tuple[NoiseTolerance, ...] = ("quiet", "moderate", "loud")
SOCIAL_PREFERENCES: tuple[SocialPreference, ...] = ("private", "sometimes_social", "very_social")
TIERS: tuple[Tier, ...] = ("excellent", "good", "moderate", "not_recommended")

SLEEP_POSITION = {"early_bird": 0, "flexible": 50, "night_owl": 100}
NOISE_POSITION = {"quiet": 0, "moderate": 50, "loud": 100}
CLEANLINESS_SCORE = {0: 100, 1: 85, 2: 60}  # a difference of 3 or more scores 30
SOCIAL_SCORE = {
    frozenset({"private"}): 100,
    frozenset({"private", "sometimes_social"}): 80,
    frozenset({"private", "very_social"}): 40,
    frozenset({"sometimes_social"}): 100,
    frozenset({"sometimes_social", "very_social"}): 85,
    frozenset({"very_social"}): 100,
}
# Weights in hundredths: pair score x 100 = 30 sleep + 25 clean + 20 social + 15 noise + 10 deal.
WEIGHTS = {"sleep_schedule": 30, "cleanliness": 25, "social_compatibility": 20,
           "noise_tolerance": 15, "dealbreakers": 10}
EMPTY_ROOM_BASE = 70
CLEAN_BONUS = 2
SOCIAL_MIX_BONUS = 3
VACANCY_PENALTY = -5
RECOMMENDED_FROM = 70
CRITERIA = ("sleep_schedule", "cleanliness", "social_compatibility", "noise_tolerance")

HUMAN = {
    "early_bird": "early bird", "flexible": "flexible schedule", "night_owl": "night owl",
    "quiet": "quiet", "moderate": "moderate noise", "loud": "loud",
    "private": "private", "sometimes_social": "sometimes social", "very_social": "very social",
}


def _positive_money(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_money(value, "max_rent")
    except ValidationError as exc:
        raise ValueError(exc.detail) from None


class CompatibilityProfile(BaseModel):
    """What a person says about how they live. Values outside the table are errors, never
    coerced: `"4"` is not a cleanliness, 6 is out of range, `"yes"` is not a boolean."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sleep_schedule: SleepSchedule
    cleanliness: StrictInt = Field(ge=1, le=5)
    noise_tolerance: NoiseTolerance
    social_preference: SocialPreference
    work_from_home: StrictBool = False
    has_pets: StrictBool = False
    pet_allergies: StrictBool = False
    smoking: StrictBool = False
    smoking_ok: StrictBool = False  # defaults to `smoking` (see _default_smoking_ok)
    age: StrictInt | None = Field(default=None, ge=16, le=120)
    occupation: str | None = Field(default=None, max_length=200)
    interests: tuple[str, ...] = ()
    max_rent: Decimal | None = None

    _class_index: int = PrivateAttr(default=0)

    @model_validator(mode="before")
    @classmethod
    def _default_smoking_ok(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("smoking_ok") is None:
            data = dict(data)
            smoking = data.get("smoking", False)
            data["smoking_ok"] = smoking if isinstance(smoking, bool) else False
        return data

    @field_validator("interests", mode="before")
    @classmethod
    def _interests_list(cls, value: Any) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise ValueError("must be a list of strings")
        if len(value) > limits.INTERESTS:
            raise ValueError(f"has too many items (at most {limits.INTERESTS})")
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"{item!r} is not a string")
            problem = limits.text_problem(item.strip(), limits.INTEREST)
            if problem:
                raise ValueError(f"{item.strip()[:20]!r} {problem}")
        return tuple(item.strip() for item in value if item.strip())

    @field_validator("max_rent", mode="before")
    @classmethod
    def _money(cls, value: Any) -> Any:
        return _positive_money(value)

    @field_validator("occupation", mode="before")
    @classmethod
    def _occupation(cls, value: Any) -> Any:
        if isinstance(value, str):
            problem = limits.text_problem(value.strip(), limits.OCCUPATION)
            if problem:
                raise ValueError(problem)
            return value.strip() or None
        return value

    def model_post_init(self, context: Any) -> None:
        self._class_index = class_index(self)

    @property
    def profile_class(self) -> int:
        """Index of everything the scorer reads (0 .. PROFILE_CLASSES - 1)."""
        # Read the private slot directly: pydantic's __getattr__ for private attributes costs
        # microseconds, and the fast path reads this for every roommate of every room.
        private = self.__pydantic_private__
        assert private is not None
        index: int = private["_class_index"]
        return index

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["interests"] = list(self.interests)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Self:
        return cls.model_validate(data)


PROFILE_CLASSES = 3 * 5 * 3 * 3 * 2 * 2 * 2 * 2


def class_index(p: CompatibilityProfile) -> int:
    """A dense number for the fields scoring depends on; equal index, equal scores."""
    index = SLEEP_SCHEDULES.index(p.sleep_schedule)
    index = index * 5 + (p.cleanliness - 1)
    index = index * 3 + NOISE_TOLERANCES.index(p.noise_tolerance)
    index = index * 3 + SOCIAL_PREFERENCES.index(p.social_preference)
    for flag in (p.has_pets, p.pet_allergies, p.smoking, p.smoking_ok):
        index = index * 2 + int(flag)
    return index


# --- one applicant against one roommate -------------------------------------------------------

def distance_score(d: int) -> int:
    """Sleep and noise: 100 when equal, 70 within 50, else 40."""
    return 100 if d == 0 else 70 if d <= 50 else 40


def sleep_score(a: str, b: str) -> int:
    return distance_score(abs(SLEEP_POSITION[a] - SLEEP_POSITION[b]))


def noise_score(a: str, b: str) -> int:
    return distance_score(abs(NOISE_POSITION[a] - NOISE_POSITION[b]))


def cleanliness_score(a: int, b: int) -> int:
    return CLEANLINESS_SCORE.get(abs(a - b), 30)


def social_score(a: str, b: str) -> int:
    return SOCIAL_SCORE[frozenset({a, b})]


@dataclass(frozen=True)
class Dealbreaker:
    """Why a pair can never share a unit. `who` says which side triggers it."""

    kind: Literal["pets", "smoking"]
    who: Literal["applicant", "roommate"]  # the allergic / non-accepting person is the other one

    def describe(self, roommate: str) -> str:
        if self.kind == "pets":
            if self.who == "roommate":
                return f"pet allergy: {roommate} has pets"
            return f"pet allergy: {roommate} is allergic to pets and the applicant has pets"
        if self.who == "roommate":
            return f"smoking: {roommate} smokes and the applicant does not accept smoking"
        return f"smoking: the applicant smokes and {roommate} does not accept smoking"


def dealbreakers(a: CompatibilityProfile, r: CompatibilityProfile) -> tuple[Dealbreaker, ...]:
    """Symmetric: either side's pets against the other's allergy, either side's smoking."""
    found: list[Dealbreaker] = []
    if a.pet_allergies and r.has_pets:
        found.append(Dealbreaker("pets", "roommate"))
    if r.pet_allergies and a.has_pets:
        found.append(Dealbreaker("pets", "applicant"))
    if r.smoking and not a.smoking_ok:
        found.append(Dealbreaker("smoking", "roommate"))
    if a.smoking and not r.smoking_ok:
        found.append(Dealbreaker("smoking", "applicant"))
    return tuple(found)


@dataclass(frozen=True)
class PairScore:
    """The five criteria for one pair, and their weighted sum in hundredths of a point."""

    sleep_schedule: int
    cleanliness: int
    social_compatibility: int
    noise_tolerance: int
    dealbreakers: tuple[Dealbreaker, ...]

    @property
    def dealbreaker(self) -> int:
        return 0 if self.dealbreakers else 100

    @property
    def hundredths(self) -> int:
        return (WEIGHTS["sleep_schedule"] * self.sleep_schedule
                + WEIGHTS["cleanliness"] * self.cleanliness
                + WEIGHTS["social_compatibility"] * self.social_compatibility
                + WEIGHTS["noise_tolerance"] * self.noise_tolerance
                + WEIGHTS["dealbreakers"] * self.dealbreaker)

    @property
    def score(self) -> Fraction:
        """The unrounded pair score (a multiple of 0.05)."""
        return Fraction(self.hundredths, 100)


def pair_score(a: CompatibilityProfile, r: CompatibilityProfile) -> PairScore:
    return PairScore(
        sleep_schedule=sleep_score(a.sleep_schedule, r.sleep_schedule),
        cleanliness=cleanliness_score(a.cleanliness, r.cleanliness),
        social_compatibility=social_score(a.social_preference, r.social_preference),
        noise_tolerance=noise_score(a.noise_tolerance, r.noise_tolerance),
        dealbreakers=dealbreakers(a, r),
    )


# --- rounding and tiers -----------------------------------------------------------------------

def round_half_up(value: Fraction | int) -> int:
    """Exact half-up rounding (towards +infinity at .5), for the non-negative values used here."""
    return floor(Fraction(value) + Fraction(1, 2))


def tier_for(score: int) -> Tier:
    if score >= 85:
        return "excellent"
    if score >= 70:
        return "good"
    if score >= 50:
        return "moderate"
    return "not_recommended"


# --- one applicant against a room -------------------------------------------------------------

@dataclass(frozen=True)
class Adjustment:
    reason: str
    delta: int


@dataclass(frozen=True)
class RoomScore:
    score: int
    tier: Tier
    breakdown: dict[str, Any]
    recommendation: str

    @property
    def recommended(self) -> bool:
        return self.score >= RECOMMENDED_FROM

    @property
    def dealbreaker(self) -> bool:
        return bool(self.breakdown["dealbreakers"] == "fail")


@dataclass(frozen=True)
class RoomArithmetic:
    """The numbers of score_room without any text: what the fast paths must reproduce."""

    score: int
    base: Fraction
    adjustments: tuple[Adjustment, ...]
    failed: bool


def room_arithmetic(
    applicant: CompatibilityProfile,
    roommates: Sequence[CompatibilityProfile],
    pairs: Sequence[PairScore] | None = None,
) -> RoomArithmetic:
    if pairs is None:
        pairs = [pair_score(applicant, r) for r in roommates]
    n = len(roommates)
    base = Fraction(sum(p.hundredths for p in pairs), 100 * n) if n else Fraction(EMPTY_ROOM_BASE)
    if any(p.dealbreakers for p in pairs):
        return RoomArithmetic(0, base, (), True)
    adjustments: list[Adjustment] = []
    if n and all(r.cleanliness >= 4 for r in roommates):
        adjustments.append(Adjustment("every roommate keeps things very clean (4/5 or more)",
                                      CLEAN_BONUS))
    if len({r.social_preference for r in roommates}) >= 2 and base > 70:
        adjustments.append(Adjustment("a balanced mix of social styles", SOCIAL_MIX_BONUS))
    if n < 2:
        who = "no roommates" if n == 0 else "only 1 roommate"
        adjustments.append(Adjustment(f"high vacancy: {who}, so less community",
                                      VACANCY_PENALTY))
    adjusted = base + sum(a.delta for a in adjustments)
    score = min(100, max(0, round_half_up(adjusted)))
    return RoomArithmetic(score, base, tuple(adjustments), False)


def _labels(names: Sequence[str] | None, count: int) -> list[str]:
    raw = list(names) if names is not None else [f"roommate {i + 1}" for i in range(count)]
    if len(raw) != count:
        raise ValueError(f"{len(raw)} names given for {count} roommates")
    labels: list[str] = []
    for name in raw:
        label, suffix = name, 2
        while label in labels:
            label = f"{name} ({suffix})"
            suffix += 1
        labels.append(label)
    return labels


def score_room(
    applicant: CompatibilityProfile,
    roommates: Sequence[CompatibilityProfile],
    *,
    names: Sequence[str] | None = None,
) -> RoomScore:
    """Score `applicant` against the unit's `roommates` exactly per MATCHING.md.

    `names` labels the roommates in the breakdown and the recommendation (default
    "roommate 1", "roommate 2", ...); repeated names are made unique ("Sam", "Sam (2)").
    """
    labels = _labels(names, len(roommates))
    pairs = [pair_score(applicant, r) for r in roommates]
    numbers = room_arithmetic(applicant, roommates, pairs)
    breakdown: dict[str, Any] = {}
    n = len(roommates)
    if n:
        for criterion in CRITERIA:
            total = sum(getattr(p, criterion) for p in pairs)
            breakdown[criterion] = round_half_up(Fraction(total, n))
    reasons = [d.describe(label) for p, label in zip(pairs, labels, strict=True)
               for d in p.dealbreakers]
    breakdown["dealbreakers"] = "fail" if numbers.failed else "pass"
    if reasons:
        breakdown["dealbreaker_reasons"] = reasons
    breakdown["individual_scores"] = {
        label: round_half_up(p.score) for p, label in zip(pairs, labels, strict=True)
    }
    breakdown["adjustments"] = [{"reason": a.reason, "delta": a.delta}
                                for a in numbers.adjustments]
    # A JSON number: exact arithmetic above, a float only for the record (88.55 prints as 88.55).
    breakdown["base"] = float(numbers.base)
    tier = tier_for(numbers.score)
    text = recommendation(applicant, roommates, labels, pairs, numbers, breakdown, reasons)
    return RoomScore(numbers.score, tier, breakdown, text)


# --- the recommendation text ------------------------------------------------------------------

STRENGTHS = {
    "sleep_schedule": "compatible sleep schedules",
    "cleanliness": "similar cleanliness standards",
    "social_compatibility": "compatible social styles",
    "noise_tolerance": "similar noise tolerance",
}
LEADS = {
    "excellent": "Excellent match.",
    "good": "Good match with minor considerations.",
    "moderate": "Moderate compatibility.",
    "not_recommended": "Not recommended.",
}


def _concern(criterion: str, label: str, a: CompatibilityProfile,
             r: CompatibilityProfile) -> str:
    if criterion == "sleep_schedule":
        return (f"sleep schedule with {label} ({label}: {HUMAN[r.sleep_schedule]}, "
                f"applicant: {HUMAN[a.sleep_schedule]})")
    if criterion == "cleanliness":
        return (f"cleanliness with {label} ({label}: {r.cleanliness}/5, "
                f"applicant: {a.cleanliness}/5)")
    if criterion == "social_compatibility":
        return (f"social style with {label} ({label}: {HUMAN[r.social_preference]}, "
                f"applicant: {HUMAN[a.social_preference]})")
    return (f"noise with {label} ({label}: {HUMAN[r.noise_tolerance]}, "
            f"applicant: {HUMAN[a.noise_tolerance]})")


def recommendation(
    applicant: CompatibilityProfile,
    roommates: Sequence[CompatibilityProfile],
    labels: Sequence[str],
    pairs: Sequence[PairScore],
    numbers: RoomArithmetic,
    breakdown: dict[str, Any],
    dealbreaker_reasons: Sequence[str],
) -> str:
    """Plain sentences: strengths (>= 90), concerns naming the roommate (< 70), the
    dealbreaker, the adjustments. Never a bare number."""
    if numbers.failed:
        return f"Not recommended. Dealbreaker: {'; '.join(dealbreaker_reasons)}."
    sentences = [LEADS[tier_for(numbers.score)]]
    if not roommates:
        sentences.append("There is no roommate to compare with on the move-in date, so the "
                         f"score starts from {EMPTY_ROOM_BASE}.")
    else:
        strong = [STRENGTHS[c] for c in CRITERIA if breakdown[c] >= 90]
        if strong:
            sentences.append("Why it fits: " + ", ".join(strong) + ".")
        concerns = [_concern(c, label, applicant, r)
                    for c in CRITERIA
                    for p, label, r in zip(pairs, labels, roommates, strict=True)
                    if getattr(p, c) < 70]
        if concerns:
            sentences.append("Concerns: " + "; ".join(concerns) + ".")
        if not strong and not concerns:
            sentences.append("Compatible on every criterion without standing out on any.")
    for adjustment in numbers.adjustments:
        kind = "Bonus" if adjustment.delta > 0 else "Penalty"
        sentences.append(f"{kind} {adjustment.delta:+d}: {adjustment.reason}.")
    return " ".join(sentences)
