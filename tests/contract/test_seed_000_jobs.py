"""Seed 000 (jobs): the Python segmentation service's POST /segment, POST /api/jobs/test-segmentation
{jobAdId}, and the job_ads fields segmentation fills, over HTTP."""

import pytest

from tests.contract.conftest import wait_for

AD_TEXT = ("Senior Backend Engineer in Austin, TX: design Python services and REST APIs on AWS, "
           "mentor engineers, own PostgreSQL performance.")
SEGMENTATION_FIELDS = {"derivedAudiencePrimitives", "audienceClusterId", "audienceConfidence",
                       "audienceClusterProfileName", "mappedTargeting"}


def test_python_segmentation_service(api):
    response = api.post("/segment", json={"job_ad_text": AD_TEXT})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"derived_audience_primitives", "assigned_cluster_id", "cluster_assignment_confidence"} <= body.keys()
    assert isinstance(body["derived_audience_primitives"], list) and body["derived_audience_primitives"]
    assert isinstance(body["assigned_cluster_id"], str)
    assert 0.0 <= body["cluster_assignment_confidence"] <= 1.0


def test_segment_without_text_is_rejected_naming_the_field(api):
    response = api.post("/segment", json={})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.job_ad_text"


def create_ad(api, **fields):
    response = api.post("/api/jobs", json={"title": "Senior Backend Engineer", "description": AD_TEXT, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_test_segmentation_of_a_stored_ad(api):
    ad = create_ad(api)
    response = api.post("/api/jobs/test-segmentation", json={"jobAdId": ad["jobAdId"]})
    assert response.status_code == 200, response.text
    data = response.json()["segmentationData"]
    assert SEGMENTATION_FIELDS <= data.keys()
    assert 0.0 <= data["audienceConfidence"] <= 1.0
    assert api.get(f"/api/jobs/{ad['jobAdId']}").json()["status"] == "draft"  # a preview stores nothing


def test_test_segmentation_of_a_missing_ad_is_404(api):
    assert api.post("/api/jobs/test-segmentation", json={"jobAdId": 987654321}).status_code == 404


def test_a_scheduled_ad_gets_the_documented_job_ad_fields(api):
    ad = create_ad(api)
    assert ad["status"] == "draft" and ad["segmentationProcessedAt"] is None
    assert api.post(f"/api/jobs/{ad['jobAdId']}/schedule").status_code == 202
    done = wait_for(lambda: (a := api.get(f"/api/jobs/{ad['jobAdId']}").json())["status"] != "scheduled" and a)
    assert done["status"] == "segmented", done["segmentationError"]
    assert SEGMENTATION_FIELDS | {"segmentationProcessedAt"} <= done.keys()
    assert all(done[name] is not None for name in SEGMENTATION_FIELDS | {"segmentationProcessedAt"})
    badge = done["confidenceBadge"]  # the list view's badge: green > 50 %, yellow 25-50 %, red < 25 %
    confidence = done["audienceConfidence"]
    assert badge == ("green" if confidence > 0.5 else "yellow" if confidence >= 0.25 else "red")


@pytest.mark.parametrize(("fields", "expected"), [
    ({"location": "Austin, TX"}, ["Austin, TX"]),
    ({"location": "Austin, Texas"}, ["Austin, Texas"]),
    ({"location": "Berlin, Germany"}, ["Berlin, Germany"]),
    ({"location": "Remote (US)"}, ["Remote (US)"]),
    ({"locations": ["Austin, TX", "Remote (US)"]}, ["Austin, TX", "Remote (US)"]),
])
def test_job_ad_locations_as_ads_write_them(api, fields, expected):
    assert create_ad(api, **fields)["locations"] == expected


def test_location_and_locations_together_or_an_unknown_place_are_422(api):
    both = api.post("/api/jobs", json={"title": "t", "description": "d", "location": "Austin, TX",
                                       "locations": ["Boston"]})
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "body.location"
    unknown = api.post("/api/jobs", json={"title": "t", "description": "d", "location": "Atlantis, TX"})
    assert unknown.status_code == 422
    assert '"City, ST"' in unknown.json()["message"] and '"Remote (US)"' in unknown.json()["message"]


def test_a_scheduled_ad_with_a_city_state_location_targets_that_city(api):
    ad = create_ad(api, location="Austin, TX")
    api.post(f"/api/jobs/{ad['jobAdId']}/schedule")
    done = wait_for(lambda: (a := api.get(f"/api/jobs/{ad['jobAdId']}").json())["status"] != "scheduled" and a)
    assert done["status"] == "segmented", done["segmentationError"]
    places = done["mappedTargeting"]["form"]["locations"]
    assert any(p["value"] == "Austin" and p.get("region") == "TX" for p in places), places
