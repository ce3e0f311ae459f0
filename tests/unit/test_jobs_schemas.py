"""Job-ad request models: a single `location` string is accepted for `locations`, as ads write places."""

import pytest
from pydantic import ValidationError
from segmentation.jobs.schemas import JobAdCreate, JobAdUpdate

AD = {"title": "Backend Engineer", "description": "Build APIs in Python."}


def test_a_single_location_string_becomes_locations():
    assert JobAdCreate(**AD, location="Austin, TX").locations == ["Austin, TX"]
    assert JobAdCreate(**AD, locations=["Austin, TX", "Remote (US)"]).locations == ["Austin, TX", "Remote (US)"]
    assert JobAdCreate(**AD).locations == []


def test_location_and_locations_together_are_rejected_naming_location():
    with pytest.raises(ValidationError) as raised:
        JobAdCreate(**AD, location="Austin, TX", locations=["Boston"])
    assert raised.value.errors()[0]["loc"] == ("location",)


def test_an_unknown_place_says_which_forms_are_understood():
    with pytest.raises(ValidationError) as raised:
        JobAdCreate(**AD, location="Atlantis, TX")
    error = raised.value.errors()[0]
    assert error["loc"] == ("location",) and '"City, State"' in error["msg"]


def test_update_with_location_changes_locations():
    update = JobAdUpdate(location="Berlin, Germany")
    assert update.changes() == {"locations": ["Berlin, Germany"]}
    with pytest.raises(ValidationError):
        JobAdUpdate(location="Berlin", locations=["Paris"])
