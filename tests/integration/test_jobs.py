"""The jobs service on the emulator: job ads through the HTTP API, scheduling into segmentation over
EventBridge, platform targeting with the employment-ad rules, pins, feedback, and the failure path."""

import threading

import boto3
import pytest
from localcloud import moto_patches
from localcloud.deployer import deploy
from moto import mock_aws

from tests.conftest import DEFAULT_MODEL, TEMPLATE
from tests.integration.conftest import http_client

DEVELOPER_AD = {
    "title": "Senior Python Developer",
    "description": "We are hiring a senior backend engineer to design and build Python microservices, "
                   "REST APIs and data pipelines on AWS. You know Django or FastAPI, PostgreSQL, Docker and "
                   "CI/CD, write tests and review code. Hybrid role in Berlin.",
    "company": "Acme GmbH",
}


def seed_model(stack) -> None:
    from segmentation.platform.storage import ArtifactStore
    from segmentation.text.model import TextModel
    from segmentation.text.registry import ModelRegistry

    registry = ModelRegistry(ArtifactStore(stack.ref("ArtifactsBucket")))
    registry.promote(registry.publish(TextModel.load(DEFAULT_MODEL)))


@pytest.fixture(scope="module")
def jobs():
    """One stack with the default model promoted, shared by this module's tests (each makes its own ads)."""
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        stack = deploy(TEMPLATE, "jobs")
        seed_model(stack)
        yield stack, http_client(stack)


def create(http, **fields) -> dict:
    response = http.post("/api/jobs", json={**DEVELOPER_AD, **fields})
    assert response.status_code == 201, response.json
    return response.json


def scheduled(http, job_ad_id: int) -> dict:
    response = http.post(f"/api/jobs/{job_ad_id}/schedule")
    assert response.status_code == 202, response.json
    return http.get(f"/api/jobs/{job_ad_id}").json


def field_errors(response) -> list[str]:
    return [e["field"] for e in response.json["errors"]]


def test_create_get_and_list_with_status_filter_and_pages(jobs):
    _stack, http = jobs
    ids = [create(http, title=f"Python Developer {n}")["jobAdId"] for n in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    ad = http.get(f"/api/jobs/{ids[0]}").json
    assert ad["status"] == "draft" and ad["confidenceBadge"] is None and ad["title"] == "Python Developer 0"

    first = http.get("/api/jobs?status=draft&limit=2").json
    assert len(first["items"]) == 2 and first["nextCursor"]
    rest = http.get(f"/api/jobs?status=draft&limit=2&cursor={first['nextCursor']}").json
    listed = [item["jobAdId"] for item in first["items"] + rest["items"]]
    assert set(ids) <= set(listed) and len(listed) == len(set(listed))
    assert all(item["status"] == "draft" for item in first["items"] + rest["items"])

    assert field_errors(http.get("/api/jobs?status=archived")) == ["query.status"]
    assert field_errors(http.get("/api/jobs?cursor=not-a-cursor")) == ["query.cursor"]


def test_scheduling_segments_the_ad_with_every_documented_field_and_a_badge(jobs):
    _stack, http = jobs
    ad = scheduled(http, create(http)["jobAdId"])
    assert ad["status"] == "segmented", ad.get("segmentationError")
    for field in ("derivedAudiencePrimitives", "audienceClusterId", "audienceConfidence",
                  "audienceClusterProfileName", "mappedTargeting", "segmentationProcessedAt", "modelVersion"):
        assert ad[field] is not None, field
    assert ad["confidenceBadge"] == ("green" if ad["audienceConfidence"] > 0.5 else
                                     "yellow" if ad["audienceConfidence"] >= 0.25 else "red")
    assert ad["mappedTargeting"]["mode"] == "cluster"
    assert len(ad["mappedTargeting"]["form"]["industries"]) == 1 and ad["mappedTargeting"]["form"]["keywords"]
    assert [p["value"] for p in ad["mappedTargeting"]["form"]["locations"]] == ["Berlin"]

    listed = http.get("/api/jobs?status=segmented").json["items"]
    assert any(item["jobAdId"] == ad["jobAdId"] and item["confidenceBadge"] for item in listed)

    meta = http.get(f"/api/jobs/{ad['jobAdId']}/targeting/meta").json
    assert meta["payload"]["campaign"]["special_ad_categories"] == ["EMPLOYMENT"]
    assert meta["payload"]["targeting"]["geo_locations"]["custom_locations"][0]["name"] == "Berlin"
    google = http.get(f"/api/jobs/{ad['jobAdId']}/targeting/google").json
    assert google["payload"]["campaign_criteria"][0]["proximity"]["radius_units"] == "KILOMETERS"
    x = http.get(f"/api/jobs/{ad['jobAdId']}/targeting/x").json
    assert any(c["targeting_type"] == "BROAD_KEYWORD" for c in x["payload"]["targeting_criteria"])
    assert field_errors(http.get(f"/api/jobs/{ad['jobAdId']}/targeting/tiktok")) == ["path.platform"]


def test_test_segmentation_previews_without_changing_the_stored_ad(jobs):
    _stack, http = jobs
    ad = create(http)
    preview = http.post("/api/jobs/test-segmentation", json={"jobAdId": ad["jobAdId"]})
    assert preview.status_code == 200, preview.json
    data = preview.json["segmentationData"]
    assert set(data) == {"derivedAudiencePrimitives", "audienceClusterId", "audienceConfidence",
                         "audienceClusterProfileName", "mappedTargeting"}
    after = http.get(f"/api/jobs/{ad['jobAdId']}").json
    assert after["version"] == ad["version"] and after["status"] == "draft" and after["audienceClusterId"] is None

    draft = http.post("/api/jobs/test-segmentation", json={"text": DEVELOPER_AD["description"]})
    assert draft.json["segmentationData"]["audienceClusterId"] == data["audienceClusterId"]
    assert http.post("/api/jobs/test-segmentation", json={}).status_code == 422
    assert http.post("/api/jobs/test-segmentation", json={"jobAdId": 1, "text": "x"}).status_code == 422
    assert http.post("/api/jobs/test-segmentation", json={"jobAdId": 999999}).status_code == 404


def test_low_confidence_falls_back_to_broad_targeting(jobs):
    stack, http = jobs
    lambda_client = boto3.client("lambda")
    name = stack.ref("TestSegmentationFunction")
    variables = lambda_client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lambda_client.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**variables, "CONFIDENCE_THRESHOLD": "1.0"}})
    try:
        data = http.post("/api/jobs/test-segmentation", json={"text": DEVELOPER_AD["description"]}).json[
            "segmentationData"]
    finally:
        lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
    targeting = data["mappedTargeting"]
    assert targeting["mode"] == "broad"
    assert targeting["form"]["industries"] == [] and targeting["form"]["skills"] == []
    assert [p["value"] for p in targeting["form"]["locations"]] == ["Berlin"]
    assert all(platform["mode"] == "broad" for platform in targeting["platforms"].values())
    assert targeting["platforms"]["x"]["payload"]["targeting_criteria"] == []
    assert "custom_audience" not in targeting["platforms"]["google"]["payload"]


def test_pins_survive_resegmentation_and_employment_rules_strip_what_they_forbid(jobs):
    _stack, http = jobs
    ad = scheduled(http, create(http)["jobAdId"])
    model_cluster = ad["audienceClusterId"]
    other = "0" if model_cluster != "0" else "1"
    pinned = http.put(f"/api/jobs/{ad['jobAdId']}", json={
        "pinnedClusterId": other,
        "pinnedTargeting": {"age_range": [25, 40], "genders": ["female"], "postal_codes": ["10115"],
                            "radius_km": 5, "locations": ["Munich"]}})
    assert pinned.status_code == 200, pinned.json
    for _run in range(2):  # re-segmentation keeps the pins
        ad = scheduled(http, ad["jobAdId"])
        assert ad["status"] == "segmented", ad.get("segmentationError")
        assert ad["audienceClusterId"] == other and ad["audienceSource"] == "pinned"
        assert ad["modelChoice"]["audienceClusterId"] == model_cluster
    form = ad["mappedTargeting"]["form"]
    assert [p["value"] for p in form["locations"]] == ["Munich"] and form["mode"] == "cluster"
    for platform in ("meta", "x", "google"):
        rules = {r["rule"]: r["applied"] for r in ad["mappedTargeting"]["platforms"][platform]["rules_applied"]}
        assert rules["no_age_targeting"] and rules["no_gender_targeting"] and rules["no_postal_code_targeting"]
    meta = ad["mappedTargeting"]["platforms"]["meta"]
    assert {r["rule"]: r["applied"] for r in meta["rules_applied"]}["min_location_radius_15mi"]
    targeting = meta["payload"]["targeting"]
    assert (targeting["age_min"], targeting["age_max"]) == (18, 65) and "genders" not in targeting
    assert targeting["geo_locations"]["custom_locations"][0]["radius"] == pytest.approx(24.14)
    assert "zips" not in targeting["geo_locations"]

    cleared = http.put(f"/api/jobs/{ad['jobAdId']}", json={"pinnedClusterId": None, "pinnedTargeting": None}).json
    assert cleared["pinnedClusterId"] is None and cleared["pinnedTargeting"] is None
    assert scheduled(http, ad["jobAdId"])["audienceClusterId"] == model_cluster

    bad = http.put(f"/api/jobs/{ad['jobAdId']}", json={"pinnedTargeting": {"industries": ["NOPE"]}})
    assert bad.status_code == 422 and field_errors(bad) == ["body.pinnedTargeting"]
    missing = http.put(f"/api/jobs/{ad['jobAdId']}", json={"pinnedClusterId": "999"})
    assert missing.status_code == 200
    failed = scheduled(http, ad["jobAdId"])
    assert failed["status"] == "segmentation_failed" and "999" in failed["segmentationError"]


def test_updates_publish_and_delete(jobs):
    _stack, http = jobs
    ad = create(http)
    job_ad_id = ad["jobAdId"]
    assert http.put(f"/api/jobs/{job_ad_id}", json={"status": "published"}).status_code == 409
    assert field_errors(http.put(f"/api/jobs/{job_ad_id}", json={"status": "segmented"})) == ["body.status"]
    assert field_errors(http.put(f"/api/jobs/{job_ad_id}", json={"title": 7})) == ["body.title"]
    assert field_errors(http.put(f"/api/jobs/{job_ad_id}", json={"locations": ["Atlantis"]})) == ["body.locations"]
    assert http.put(f"/api/jobs/{job_ad_id}", json={"title": "Renamed", "expectedVersion": 99}).status_code == 409
    assert http.get(f"/api/jobs/{job_ad_id}").json["title"] == DEVELOPER_AD["title"]

    scheduled(http, job_ad_id)
    published = http.put(f"/api/jobs/{job_ad_id}", json={"status": "published"}).json
    assert published["status"] == "published"
    assert http.post(f"/api/jobs/{job_ad_id}/schedule").status_code == 409

    assert http.delete(f"/api/jobs/{job_ad_id}").status_code == 204
    assert http.get(f"/api/jobs/{job_ad_id}").status_code == 404
    assert http.put(f"/api/jobs/{job_ad_id}", json={"title": "Ghost"}).status_code == 404
    assert http.delete(f"/api/jobs/{job_ad_id}").status_code == 404
    assert http.post(f"/api/jobs/{job_ad_id}/schedule").status_code == 404


def test_bad_input_is_rejected_naming_the_field_and_nothing_is_written(jobs):
    _stack, http = jobs
    before = http.get("/api/jobs?limit=100").json["items"]
    cases = [({"title": 5}, "body.title"), ({"description": "   "}, "body.description"),
             ({"title": ""}, "body.title"), ({"locations": "Berlin"}, "body.locations"),
             ({"unknown": 1}, "body.unknown")]
    for change, field in cases:
        response = http.post("/api/jobs", json={**DEVELOPER_AD, **change})
        assert response.status_code == 422 and field in field_errors(response), (change, response.json)
    assert http.get("/api/jobs?limit=100").json["items"] == before
    assert field_errors(http.get("/api/jobs/abc")) == ["path.jobAdId"]
    assert http.get("/api/jobs/424242").status_code == 404


def test_concurrent_updates_of_different_fields_all_land(jobs):
    _stack, http = jobs
    job_ad_id = create(http)["jobAdId"]
    changes = [{"title": "Concurrent title"}, {"company": "Concurrent Co"}, {"locations": ["Hamburg"]},
               {"description": DEVELOPER_AD["description"] + " Concurrent."},
               {"pinnedTargeting": {"skills": ["Python"]}}, {"pinnedClusterId": "2"}]
    statuses = []

    def put(change):
        statuses.append(http_client_for(jobs).put(f"/api/jobs/{job_ad_id}", json=change).status_code)

    threads = [threading.Thread(target=put, args=(change,)) for change in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(changes)
    ad = http.get(f"/api/jobs/{job_ad_id}").json
    assert (ad["title"], ad["company"], ad["locations"]) == ("Concurrent title", "Concurrent Co", ["Hamburg"])
    assert ad["description"].endswith("Concurrent.") and ad["pinnedTargeting"] == {"skills": ["Python"]}
    assert ad["pinnedClusterId"] == "2" and ad["version"] == 1 + len(changes)


def http_client_for(jobs):
    return http_client(jobs[0])


def test_performance_feedback_is_idempotent_and_reported_per_cluster(jobs):
    _stack, http = jobs
    draft = create(http)
    report = {"eventId": "evt-1", "platform": "meta", "impressions": 1000, "clicks": 40, "applies": 4}
    assert http.post(f"/api/jobs/{draft['jobAdId']}/performance", json=report).status_code == 409
    ad = scheduled(http, draft["jobAdId"])
    first = http.post(f"/api/jobs/{ad['jobAdId']}/performance", json=report)
    again = http.post(f"/api/jobs/{ad['jobAdId']}/performance", json=report)
    second = http.post(f"/api/jobs/{ad['jobAdId']}/performance",
                       json={**report, "eventId": "evt-2", "platform": "google", "impressions": 500, "clicks": 10,
                             "applies": 1})
    assert (first.status_code, again.status_code, second.status_code) == (201, 200, 201)
    assert again.json["recorded"] is False
    assert second.json["performance"] == {"impressions": 1500, "clicks": 50, "applies": 5}
    assert field_errors(http.post(f"/api/jobs/{ad['jobAdId']}/performance",
                                  json={**report, "platform": "myspace"})) == ["body.platform"]
    assert field_errors(http.post(f"/api/jobs/{ad['jobAdId']}/performance",
                                  json={**report, "clicks": -1})) == ["body.clicks"]

    clusters = http.get("/api/jobs/cluster-performance").json
    assert clusters["modelVersion"] == ad["modelVersion"]
    [row] = [r for r in clusters["clusters"] if r["clusterId"] == ad["audienceClusterId"]]
    assert row["impressions"] >= 1500 and row["ads"] >= 1 and row["profileName"] == ad["audienceClusterProfileName"]
    events = boto3.client("dynamodb").query(
        TableName=jobs[0].ref("EventsTable"), KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"JOBAD#{ad['jobAdId']}"}})["Items"]
    assert sorted(e["eventId"]["S"] for e in events) == ["evt-1", "evt-2"]


def test_model_unavailable_leaves_the_ad_failed_with_a_reason_and_a_retry_succeeds():
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        stack = deploy(TEMPLATE, "jobsfail")
        http = http_client(stack)
        job_ad_id = create(http)["jobAdId"]
        failed = scheduled(http, job_ad_id)
        assert failed["status"] == "segmentation_failed"
        assert "model" in failed["segmentationError"] and failed["audienceClusterId"] is None
        assert [a["jobAdId"] for a in http.get("/api/jobs?status=segmentation_failed").json["items"]] == [job_ad_id]

        seed_model(stack)
        retried = scheduled(http, job_ad_id)
        assert retried["status"] == "segmented" and retried["segmentationError"] is None
