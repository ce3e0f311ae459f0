"""Segment criteria: what each strategy allows, validation errors naming the field, profile evaluation."""

import pytest
from segmentation.platform.errors import InvalidInput
from segmentation.segments.criteria import UserProfile, evaluate, validate_criteria


@pytest.mark.parametrize(("strategy", "criteria"), [
    ("demographic", {"age_range": {"min": 20, "max": 40}, "location": ["Lyon"], "gender": ["f"],
                     "interests": ["chess"]}),
    ("behavioral", {"purchase_history": {"min_purchases": 2}, "total_spent_min": 99.5,
                    "engagement_frequency": "weekly", "content_preferences": ["video"]}),
    ("engagement", {"engagement_level": "high", "avg_session_duration": 120, "last_active_days": 14,
                    "interaction_score_min": 7.5}),
    ("hybrid", {"age_range": {"min": 20}, "total_spent_min": 10, "last_active_days": 3}),
])
def test_each_strategy_accepts_its_documented_criteria(strategy, criteria):
    assert validate_criteria(strategy, criteria).keys() == criteria.keys()


@pytest.mark.parametrize(("strategy", "criteria", "field"), [
    ("demographic", {"total_spent_min": 5}, "body.criteria.total_spent_min"),
    ("behavioral", {"age_range": {"min": 1}}, "body.criteria.age_range"),
    ("engagement", {"interests": ["x"]}, "body.criteria.interests"),
    ("hybrid", {"favourite_colour": "red"}, "body.criteria.favourite_colour"),
    ("demographic", {"age_range": {"min": 50, "max": 20}}, "body.criteria.age_range"),
    ("demographic", {"age_range": {"min": 20, "typo": 1}}, "body.criteria.age_range.typo"),
    ("behavioral", {"purchase_history": {"min_purchases": -1}}, "body.criteria.purchase_history.min_purchases"),
    ("behavioral", {"engagement_frequency": "hourly"}, "body.criteria.engagement_frequency"),
    ("engagement", {"engagement_level": "extreme"}, "body.criteria.engagement_level"),
    ("engagement", {"last_active_days": -2}, "body.criteria.last_active_days"),
    ("demographic", {"location": []}, "body.criteria.location"),
    ("hybrid", {}, "body.criteria"),
])
def test_criteria_that_do_not_fit_are_rejected_naming_the_field(strategy, criteria, field):
    with pytest.raises(InvalidInput) as raised:
        validate_criteria(strategy, criteria)
    assert raised.value.field == field


def test_single_strings_become_lists():
    assert validate_criteria("demographic", {"gender": "f", "location": "Oslo"}) == {
        "gender": ["f"], "location": ["Oslo"]}


CRITERIA = validate_criteria("hybrid", {
    "age_range": {"min": 18, "max": 30}, "location": ["Berlin"], "interests": ["Running", "chess"],
    "purchase_history": {"min_purchases": 2}, "total_spent_min": 50, "engagement_frequency": "weekly",
    "content_preferences": ["video"], "engagement_level": "medium", "avg_session_duration": 60,
    "last_active_days": 7, "interaction_score_min": 5})


def test_a_profile_meeting_every_criterion_matches():
    profile = UserProfile(age=30, location=" berlin ", interests=["running"], purchase_count=2, total_spent=50,
                          engagement_frequency="daily", content_preferences=["Video", "audio"],
                          engagement_level="high", avg_session_duration=60, last_active_days=0,
                          interaction_score=9, plan="pro")
    result = evaluate(CRITERIA, profile)
    assert result == {"matches": True, "matched": list(CRITERIA), "failed": []}


def test_each_failed_criterion_is_named_with_expected_and_actual():
    profile = UserProfile(age=31, location="Paris", interests=["golf"], purchase_count=1, total_spent=49.9,
                          engagement_frequency="monthly", content_preferences=["audio"], engagement_level="low",
                          avg_session_duration=59, last_active_days=8)
    result = evaluate(CRITERIA, profile)
    assert result["matches"] is False and result["matched"] == []
    failed = {f["criterion"]: f for f in result["failed"]}
    assert set(failed) == set(CRITERIA)
    assert (failed["age_range"]["expected"], failed["age_range"]["actual"]) == ([18, 30], 31)
    assert failed["interaction_score_min"]["actual"] is None
    assert failed["interaction_score_min"]["reason"] == "the profile has no interaction_score"


def test_a_failure_reason_quotes_the_value_and_the_criterion():
    [failed] = evaluate({"last_active_days": 14}, UserProfile(last_active_days=30))["failed"]
    assert failed["reason"] == "last_active_days 30 does not meet last_active_days 14"


@pytest.mark.parametrize("age_range", [[25, 45], {"min": 25, "max": 45}])
def test_age_range_is_the_seeds_min_max_pair_or_a_min_max_object_and_is_stored_as_the_pair(age_range):
    stored = validate_criteria("demographic", {"age_range": age_range})
    assert stored == {"age_range": [25, 45]}
    assert evaluate(stored, UserProfile(age=45))["matches"]
    assert not evaluate(stored, UserProfile(age=46))["matches"]


@pytest.mark.parametrize("age_range", [[45, 25], [25], [25, 45, 60], ["25", 45], [25.5, 45], [True, 45]])
def test_malformed_age_pairs_are_rejected_naming_age_range(age_range):
    with pytest.raises(InvalidInput) as raised:
        validate_criteria("demographic", {"age_range": age_range})
    assert raised.value.field == "body.criteria.age_range"


def test_seed_behavioral_example_nests_total_spent_in_purchase_history():
    stored = validate_criteria("behavioral", {"purchase_history": {"min_purchases": 5, "total_spent_min": 100},
                                              "engagement_frequency": "daily",
                                              "content_preferences": ["videos", "images"]})
    buyer = UserProfile(purchase_count=5, total_spent=100, engagement_frequency="daily", content_preferences=["videos"])
    assert evaluate(stored, buyer) == {"matches": True, "failed": [],
                                       "matched": ["purchase_history", "engagement_frequency", "content_preferences"]}
    [failed] = evaluate(stored, buyer.model_copy(update={"total_spent": 99}))["failed"]
    assert (failed["criterion"], failed["attribute"], failed["expected"]) == ("purchase_history", "total_spent", 100)


def test_gender_any_matches_every_profile():
    stored = validate_criteria("demographic", {"gender": "any", "location": ["US", "CA", "UK"]})
    assert evaluate(stored, UserProfile(gender="f", location="US"))["matches"]
    assert evaluate(stored, UserProfile(location="UK"))["matches"]
