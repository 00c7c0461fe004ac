"""The scoring contract of MATCHING.md, rule by rule, plus hypothesis properties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.fast_matching import (
    ClassScorer,
    RoomSet,
    profile_of_class,
    score_rooms,
    tiers,
)
from coliv_desktop.domain.matching import (
    NOISE_TOLERANCES,
    PROFILE_CLASSES,
    SLEEP_SCHEDULES,
    SOCIAL_PREFERENCES,
    CompatibilityProfile,
    class_index,
    cleanliness_score,
    noise_score,
    pair_score,
    round_half_up,
    score_room,
    sleep_score,
    social_score,
    tier_for,
)
from coliv_desktop.schemas import build


def profile(sleep: str = "flexible", clean: int = 3, noise: str = "moderate",
            social: str = "sometimes_social", **extra: Any) -> CompatibilityProfile:
    return CompatibilityProfile(sleep_schedule=sleep, cleanliness=clean,  # type: ignore[arg-type]
                                noise_tolerance=noise, social_preference=social, **extra)


SARAH = profile("night_owl", 4, "moderate", "sometimes_social", work_from_home=True,
                pet_allergies=True)
MIKE = profile("flexible", 5, "quiet", "sometimes_social", work_from_home=True)
JESSICA = profile("early_bird", 4, "moderate", "very_social")
TOM = profile("night_owl", 4, "moderate", "sometimes_social")
LISA = profile("flexible", 3, "quiet", "private", has_pets=True)


# --- the profile --------------------------------------------------------------------------------

VALID = {"sleep_schedule": "night_owl", "cleanliness": 4, "noise_tolerance": "moderate",
         "social_preference": "sometimes_social"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sleep_schedule", "night owl"),
        ("sleep_schedule", "NIGHT_OWL"),
        ("cleanliness", 0),
        ("cleanliness", 6),
        ("cleanliness", "4"),
        ("cleanliness", 4.0),
        ("cleanliness", True),
        ("noise_tolerance", "silent"),
        ("social_preference", "sometimes"),
        ("work_from_home", "yes"),
        ("work_from_home", 1),
        ("has_pets", "false"),
        ("pet_allergies", 0),
        ("smoking", "no"),
        ("smoking_ok", "sure"),
        ("age", 15),
        ("age", 121),
        ("age", "28"),
        ("interests", "hiking"),
        ("interests", ["hiking", 3]),
        ("max_rent", -1),
        ("max_rent", 900.5),
        ("max_rent", "nine hundred"),
        ("max_rent", "900.555"),
        ("favourite_colour", "blue"),
    ],
)
def test_out_of_range_values_are_errors_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        build(CompatibilityProfile, **{**VALID, field: value})
    assert caught.value.field == field


@pytest.mark.parametrize("field", list(VALID))
def test_required_fields(field: str) -> None:
    data = {k: v for k, v in VALID.items() if k != field}
    with pytest.raises(ValidationError) as caught:
        build(CompatibilityProfile, **data)
    assert caught.value.field == field


def test_defaults_and_the_seed_profile() -> None:
    seed = build(CompatibilityProfile, **VALID, work_from_home=True, has_pets=False,
                 pet_allergies=True, smoking=False, age=28, occupation="Software Engineer",
                 interests=["hiking", "cooking", "gaming"])
    assert seed.age == 28 and seed.interests == ("hiking", "cooking", "gaming")
    assert seed.smoking_ok is False and seed.max_rent is None
    bare = build(CompatibilityProfile, **VALID)
    assert (bare.work_from_home, bare.has_pets, bare.pet_allergies, bare.smoking) == (
        False, False, False, False)
    assert bare.age is None and bare.occupation is None and bare.interests == ()
    assert build(CompatibilityProfile, **VALID, age=16).age == 16
    assert build(CompatibilityProfile, **VALID, age=120).age == 120
    assert build(CompatibilityProfile, **VALID, max_rent="950").max_rent == Decimal("950.00")


def test_smoking_ok_defaults_to_smoking() -> None:
    assert build(CompatibilityProfile, **VALID, smoking=True).smoking_ok is True
    assert build(CompatibilityProfile, **VALID, smoking=False).smoking_ok is False
    assert build(CompatibilityProfile, **VALID, smoking=True, smoking_ok=None).smoking_ok is True
    assert build(CompatibilityProfile, **VALID, smoking=True, smoking_ok=False).smoking_ok is False
    assert build(CompatibilityProfile, **VALID, smoking=False, smoking_ok=True).smoking_ok is True


def test_json_round_trip() -> None:
    original = build(CompatibilityProfile, **VALID, max_rent="900", interests=["a"], age=30)
    data = original.to_json()
    assert data["max_rent"] == "900.00" and data["interests"] == ["a"]
    assert CompatibilityProfile.from_json(data) == original


# --- one pair -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("early_bird", "early_bird", 100), ("flexible", "flexible", 100),
        ("night_owl", "night_owl", 100), ("early_bird", "flexible", 70),
        ("flexible", "night_owl", 70), ("early_bird", "night_owl", 40),
    ],
)
def test_sleep(a: str, b: str, expected: int) -> None:
    assert sleep_score(a, b) == sleep_score(b, a) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("quiet", "quiet", 100), ("moderate", "moderate", 100), ("loud", "loud", 100),
     ("quiet", "moderate", 70), ("moderate", "loud", 70), ("quiet", "loud", 40)],
)
def test_noise(a: str, b: str, expected: int) -> None:
    assert noise_score(a, b) == noise_score(b, a) == expected


@pytest.mark.parametrize(("a", "b", "expected"),
                         [(4, 4, 100), (4, 5, 85), (3, 5, 60), (2, 5, 30), (1, 5, 30)])
def test_cleanliness(a: int, b: int, expected: int) -> None:
    assert cleanliness_score(a, b) == cleanliness_score(b, a) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("private", "private", 100), ("private", "sometimes_social", 80),
     ("private", "very_social", 40), ("sometimes_social", "sometimes_social", 100),
     ("sometimes_social", "very_social", 85), ("very_social", "very_social", 100)],
)
def test_social_is_symmetric(a: str, b: str, expected: int) -> None:
    assert social_score(a, b) == social_score(b, a) == expected


def test_pair_score_weights_are_exact() -> None:
    pair = pair_score(SARAH, MIKE)
    assert (pair.sleep_schedule, pair.cleanliness, pair.social_compatibility,
            pair.noise_tolerance, pair.dealbreaker) == (70, 85, 100, 70, 100)
    # 0.30*70 + 0.25*85 + 0.20*100 + 0.15*70 + 0.10*100
    assert pair.score == Fraction("82.75")


@pytest.mark.parametrize(
    ("a", "b", "fails"),
    [
        ({"pet_allergies": True}, {"has_pets": True}, True),
        ({"has_pets": True}, {"pet_allergies": True}, True),
        ({"has_pets": True}, {"has_pets": True}, False),
        ({"smoking": True}, {}, True),
        ({}, {"smoking": True}, True),
        ({"smoking": True}, {"smoking": True}, False),
        ({"smoking": True}, {"smoking_ok": True}, False),
        ({"smoking_ok": True}, {"smoking": True}, False),
        ({"smoking": True, "smoking_ok": False}, {"smoking": True}, True),
        ({}, {}, False),
    ],
)
def test_dealbreakers_are_symmetric(a: dict[str, bool], b: dict[str, bool], fails: bool) -> None:
    first, second = profile(**a), profile(**b)
    assert bool(pair_score(first, second).dealbreakers) is fails
    assert bool(pair_score(second, first).dealbreakers) is fails
    assert pair_score(first, second).dealbreaker == (0 if fails else 100)


# --- a room -------------------------------------------------------------------------------------

def test_the_seed_story_unit_3b() -> None:
    result = score_room(SARAH, [MIKE, JESSICA, TOM], names=["Mike", "Jessica", "Tom"])
    # pairs 82.75, 79, 100 -> base 87.25; +2 all clean; +3 social mix; 92.25 -> 92
    assert result.breakdown["base"] == 87.25
    assert result.breakdown["individual_scores"] == {"Mike": 83, "Jessica": 79, "Tom": 100}
    assert [a["delta"] for a in result.breakdown["adjustments"]] == [2, 3]
    assert (result.score, result.tier, result.recommended) == (92, "excellent", True)
    assert "Jessica" in result.recommendation and "early bird" in result.recommendation


def test_pet_allergy_against_cats_scores_zero_and_says_who() -> None:
    result = score_room(SARAH, [LISA], names=["Lisa"])
    assert (result.score, result.tier) == (0, "not_recommended")
    assert result.breakdown["dealbreakers"] == "fail"
    assert result.breakdown["adjustments"] == []
    assert "pet allergy: Lisa has pets" in result.recommendation
    assert result.dealbreaker


def test_the_reverse_dealbreakers_are_explained() -> None:
    smoker = profile(smoking=True, has_pets=True)
    allergic = profile(pet_allergies=True)
    text = score_room(smoker, [allergic, profile()], names=["Ana", "Ben"]).recommendation
    assert "Ana is allergic to pets and the applicant has pets" in text
    assert "the applicant smokes and Ana does not accept smoking" in text
    assert "the applicant smokes and Ben does not accept smoking" in text
    text = score_room(profile(), [profile(smoking=True)], names=["Cy"]).recommendation
    assert "Cy smokes and the applicant does not accept smoking" in text


def test_an_empty_unit_starts_from_70_with_the_vacancy_penalty() -> None:
    result = score_room(SARAH, [])
    assert result.breakdown["base"] == 70
    assert result.breakdown["adjustments"] == [
        {"reason": "high vacancy: no roommates, so less community", "delta": -5}]
    for key in ("sleep_schedule", "cleanliness", "social_compatibility", "noise_tolerance"):
        assert key not in result.breakdown
    assert result.breakdown["dealbreakers"] == "pass"
    assert result.breakdown["individual_scores"] == {}
    assert (result.score, result.tier) == (65, "moderate")
    assert "no roommate to compare with" in result.recommendation
    assert "high vacancy" in result.recommendation


def test_one_roommate_gets_the_vacancy_penalty_two_do_not() -> None:
    one = score_room(TOM, [TOM])
    assert one.breakdown["base"] == 100
    assert one.breakdown["adjustments"][-1]["delta"] == -5
    assert one.score == 97  # 100 + 2 (clean) - 5
    two = score_room(TOM, [TOM, TOM])
    assert [a["delta"] for a in two.breakdown["adjustments"]] == [2]
    assert two.score == 100  # 102 clamped


def test_clean_bonus_needs_every_roommate_at_four_or_more() -> None:
    fours = score_room(profile(clean=4), [profile(clean=4), profile(clean=5)])
    assert 2 in [a["delta"] for a in fours.breakdown["adjustments"]]
    one_three = score_room(profile(clean=4), [profile(clean=4), profile(clean=3)])
    assert 2 not in [a["delta"] for a in one_three.breakdown["adjustments"]]


def test_social_mix_bonus_needs_base_strictly_over_70() -> None:
    # applicant private vs (private, very_social): pairs differ only in social (100 vs 40)
    applicant = profile(social="private", clean=3)
    mixed = [profile(social="private", clean=3), profile(social="very_social", clean=3)]
    result = score_room(applicant, mixed)
    # pairs: 30+25+20+15+10 = 100 and 100 - 0.20*60 = 88 -> base 94 > 70 -> +3
    assert result.breakdown["base"] == 94
    assert [a["delta"] for a in result.breakdown["adjustments"]] == [3]
    assert result.score == 97
    same = score_room(applicant, [mixed[0], mixed[0]])
    assert same.breakdown["adjustments"] == []


def test_social_mix_is_judged_on_the_base_not_on_the_running_total() -> None:
    # base 69.25 with every roommate clean: +2 makes 71.25, but the base is not over 70
    applicant = profile("early_bird", 2, "loud", "sometimes_social")
    roommates = [profile("flexible", 5, "moderate", "private"),
                 profile("flexible", 4, "moderate", "very_social")]
    result = score_room(applicant, roommates)
    assert result.breakdown["base"] == 69.25
    assert [a["delta"] for a in result.breakdown["adjustments"]] == [2]
    assert result.score == 71


def test_base_exactly_70_gets_no_social_bonus() -> None:
    applicant = profile("flexible", 1, "quiet", "sometimes_social")
    roommates = [profile("early_bird", 4, "loud", "private"),
                 profile("flexible", 4, "quiet", "very_social")]
    result = score_room(applicant, roommates)
    assert result.breakdown["base"] == 70
    assert [a["delta"] for a in result.breakdown["adjustments"]] == [2]
    assert result.score == 72


def test_a_mean_on_exactly_half_rounds_up() -> None:
    applicant = profile("flexible", 4, "loud", "very_social")
    roommates = [profile("night_owl", 5, "moderate", "sometimes_social"),
                 profile("flexible", 3, "loud", "sometimes_social")]
    result = score_room(applicant, roommates)
    # pairs 79.75 and 93.25: base 86.5 exactly, no adjustment applies
    assert result.breakdown["base"] == 86.5
    assert result.breakdown["adjustments"] == []
    assert (result.score, result.tier) == (87, "excellent")  # round() would say 86


def test_criterion_means_round_half_up() -> None:
    # cleanliness pairs 85 and 100 -> 92.5 -> 93
    result = score_room(profile(clean=4), [profile(clean=5), profile(clean=4)])
    assert result.breakdown["cleanliness"] == 93


@pytest.mark.parametrize(
    ("score", "tier"),
    [(100, "excellent"), (85, "excellent"), (84, "good"), (70, "good"), (69, "moderate"),
     (50, "moderate"), (49, "not_recommended"), (0, "not_recommended")],
)
def test_tiers(score: int, tier: str) -> None:
    assert tier_for(score) == tier
    assert tiers(__import__("numpy").array([score])) == [tier]


def test_round_half_up() -> None:
    assert [round_half_up(Fraction(n, 2)) for n in range(0, 8)] == [0, 1, 1, 2, 2, 3, 3, 4]
    assert round_half_up(Fraction(1049, 10)) == 105
    assert round_half_up(Fraction(1044, 10)) == 104


def test_breakdown_keys_and_json() -> None:
    result = score_room(SARAH, [MIKE, JESSICA])
    assert {"sleep_schedule", "cleanliness", "social_compatibility", "noise_tolerance",
            "dealbreakers", "individual_scores", "adjustments", "base"} <= set(result.breakdown)
    assert list(result.breakdown["individual_scores"]) == ["roommate 1", "roommate 2"]
    import json

    assert json.loads(json.dumps(result.breakdown)) == result.breakdown


def test_repeated_names_are_made_unique() -> None:
    result = score_room(SARAH, [MIKE, JESSICA, TOM], names=["Sam", "Sam", "Sam"])
    assert list(result.breakdown["individual_scores"]) == ["Sam", "Sam (2)", "Sam (3)"]
    with pytest.raises(ValueError):
        score_room(SARAH, [MIKE], names=["a", "b"])


def test_the_recommendation_is_sentences_not_a_number() -> None:
    weak = score_room(profile("early_bird", 1, "quiet", "private"),
                      [profile("night_owl", 5, "loud", "very_social")], names=["Brad"])
    assert weak.tier == "not_recommended"
    text = weak.recommendation
    assert text.startswith("Not recommended.")
    assert "cleanliness with Brad (Brad: 5/5, applicant: 1/5)" in text
    assert "sleep schedule with Brad" in text and "noise with Brad" in text
    assert "social style with Brad" in text
    assert "Penalty -5: high vacancy" in text
    strong = score_room(TOM, [TOM, TOM])
    assert strong.recommendation.startswith("Excellent match. Why it fits: compatible sleep")


# --- properties ---------------------------------------------------------------------------------

profiles = st.builds(
    CompatibilityProfile,
    sleep_schedule=st.sampled_from(SLEEP_SCHEDULES),
    cleanliness=st.integers(1, 5),
    noise_tolerance=st.sampled_from(NOISE_TOLERANCES),
    social_preference=st.sampled_from(SOCIAL_PREFERENCES),
    has_pets=st.booleans(),
    pet_allergies=st.booleans(),
    smoking=st.booleans(),
    smoking_ok=st.none() | st.booleans(),
)
rooms = st.lists(profiles, max_size=5)


@given(profiles, rooms)
def test_score_is_within_0_and_100_and_the_tier_agrees(a: CompatibilityProfile,
                                                        roommates: list[CompatibilityProfile]
                                                        ) -> None:
    result = score_room(a, roommates)
    assert 0 <= result.score <= 100
    assert result.tier == tier_for(result.score)
    assert result.recommended is (result.score >= 70)
    assert result.recommendation and not result.recommendation.strip().isdigit()


@given(profiles, profiles)
def test_pair_scores_are_symmetric(a: CompatibilityProfile, b: CompatibilityProfile) -> None:
    assert pair_score(a, b).hundredths == pair_score(b, a).hundredths
    assert bool(pair_score(a, b).dealbreakers) == bool(pair_score(b, a).dealbreakers)


@given(profiles, rooms, st.data())
def test_adding_a_dealbreaker_roommate_gives_zero(
    a: CompatibilityProfile, roommates: list[CompatibilityProfile], data: st.DataObject
) -> None:
    if a.pet_allergies:
        breaker = data.draw(profiles.map(lambda p: p.model_copy(update={"has_pets": True})))
    elif a.has_pets:
        breaker = data.draw(profiles.map(lambda p: p.model_copy(update={"pet_allergies": True})))
    elif not a.smoking_ok:
        breaker = data.draw(profiles.map(lambda p: p.model_copy(update={"smoking": True})))
    else:
        breaker = data.draw(profiles.map(
            lambda p: p.model_copy(update={"pet_allergies": True})))
        a = a.model_copy(update={"has_pets": True})
    position = data.draw(st.integers(0, len(roommates)))
    result = score_room(a, [*roommates[:position], breaker, *roommates[position:]])
    assert result.score == 0 and result.tier == "not_recommended"
    assert result.breakdown["dealbreakers"] == "fail"


@given(profiles, st.lists(rooms, max_size=30))
@settings(max_examples=200)
def test_the_fast_path_gives_the_same_scores(a: CompatibilityProfile,
                                             many: list[list[CompatibilityProfile]]) -> None:
    fast = score_rooms(a, many)
    assert [int(s) for s in fast] == [score_room(a, r).score for r in many]
    assert tiers(fast) == [score_room(a, r).tier for r in many]


@given(profiles)
def test_class_index_is_dense_and_keeps_what_scoring_reads(p: CompatibilityProfile) -> None:
    assert 0 <= class_index(p) < PROFILE_CLASSES
    twin = p.model_copy(update={"age": 40, "occupation": "x", "interests": ("y",),
                                "work_from_home": not p.work_from_home})
    twin = CompatibilityProfile.model_validate(twin.model_dump())
    assert class_index(twin) == class_index(p)


def test_every_class_decodes_back() -> None:
    seen = set()
    for sleep in SLEEP_SCHEDULES:
        for clean in range(1, 6):
            for noise in NOISE_TOLERANCES:
                for social in SOCIAL_PREFERENCES:
                    for flags in range(16):
                        p = profile(sleep, clean, noise, social, has_pets=bool(flags & 8),
                                    pet_allergies=bool(flags & 4), smoking=bool(flags & 2),
                                    smoking_ok=bool(flags & 1))
                        seen.add(p.profile_class)
                        single = RoomSet([[p]])
                        assert int(single.scores(SARAH)[0]) == score_room(SARAH, [p]).score
    assert seen == set(range(PROFILE_CLASSES))


@given(profiles, rooms)
def test_the_class_scorer_gives_the_same_scores(a: CompatibilityProfile,
                                                roommates: list[CompatibilityProfile]) -> None:
    scorer = ClassScorer()
    assert scorer.score(a.profile_class, [r.profile_class for r in roommates]) == score_room(
        a, roommates).score
    assert profile_of_class(a.profile_class).profile_class == a.profile_class
