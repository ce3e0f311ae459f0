"""Regressions for what the fuzz run (tests/fuzz) found, each the smallest reproduction of its 500."""

import pytest
from pydantic import ValidationError
from segmentation.jobs.schemas import JobAdCreate
from segmentation.platform import dynamodb
from segmentation.platform.errors import InvalidInput


def test_a_float_nearer_zero_than_dynamodb_can_hold_is_stored_as_zero():
    # POST /api/v1/segments/{id}/members/{user} {"confidence_score": 5.46e-194} was a 500 (boto3 Underflow),
    # and 1e-131 a 503 (DynamoDB ValidationException).
    assert dynamodb.serialize({"score": 5.46e-194}) == {"score": {"N": "0"}}
    assert dynamodb.serialize({"score": 1e-131}) == {"score": {"N": "0"}}
    assert dynamodb.serialize({"score": 1e-130}) == {"score": {"N": "1E-130"}}
    assert dynamodb.serialize({"score": 0.85, "nested": [{"v": -2.5e-200}]}) == {
        "score": {"N": "0.85"}, "nested": {"L": [{"M": {"v": {"N": "0"}}}]}}
    assert dynamodb.values(now=0.0) == {":now": {"N": "0.0"}}


def test_a_float_beyond_dynamodb_s_range_is_a_422_not_a_500():
    with pytest.raises(InvalidInput, match="outside the range"):
        dynamodb.serialize({"x": 1e130})


def test_a_job_ad_with_null_locations_has_no_places():
    # POST /api/jobs {"locations": null, ...} was a 500 (TypeError in the places validator).
    ad = JobAdCreate(title="Nurse", description="ICU nurse", locations=None)
    assert ad.locations == []
    with pytest.raises(ValidationError, match="location"):
        JobAdCreate(title="Nurse", description="ICU nurse", location="", locations=None)
