"""Seed 004 (learning): the sync payload with its `job` field, the derived segment key, and the
profile's `style_hint` shape {preferred_style_id, source, segment_key, style_stats}, over HTTP."""

import time
import uuid

import boto3

from tests.contract.conftest import fire_rule

STYLE_HINT_FIELDS = {"preferred_style_id", "source", "segment_key", "style_stats"}


def event(host, schema_hash, style, feedback, title):
    return {"event_id": str(uuid.uuid4()), "host": host, "schema_hash": schema_hash, "gen_style_id": style,
            "feedback_status": feedback, "edit_chars": 4, "job": {"title": title}}


def aggregate(cloud):
    fired = fire_rule(cloud, "-learning-aggregate")
    sfn = boto3.client("stepfunctions", endpoint_url=cloud.endpoint)
    arn = fired["targets"][0]["execution_arn"]
    deadline = time.monotonic() + 300
    while (execution := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")


def test_sync_derives_segment_keys_and_the_profile_carries_the_seed_style_hint(cloud, api):
    dense, sparse = f"dense-{uuid.uuid4().hex[:8]}", f"sparse-{uuid.uuid4().hex[:8]}"
    senior = [event("boards.greenhouse.io", dense, "professional_narrative_v1", "helpful", "Senior Engineer")
              for _ in range(6)]
    lonely = [event(f"careers-{uuid.uuid4().hex[:8]}.example.org", sparse, "friendly_bullets_v1", "helpful",
                    "Summer Intern") for _ in range(2)]
    response = api.post("/api/extension/learning/sync", json={"events": senior + lonely})
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 8
    aggregate(cloud)

    profile = api.get("/api/extension/learning/profile", params={"host": "boards.greenhouse.io",
                                                                 "schema_hash": dense})
    assert profile.status_code == 200, profile.text
    hint = profile.json()["style_hint"]
    assert STYLE_HINT_FIELDS <= hint.keys()
    assert (hint["preferred_style_id"], hint["source"], hint["segment_key"]) == (
        "professional_narrative_v1", "form", "senior")
    assert hint["style_stats"]["professional_narrative_v1"]["runs"] == 6

    profile = api.get("/api/extension/learning/profile", params={"host": lonely[0]["host"], "schema_hash": sparse})
    hint = profile.json()["style_hint"]
    # seed 004: "Return None if all levels too sparse" -> (None, {"source": None})
    assert (hint["preferred_style_id"], hint["source"]) == (None, None)
    assert profile.json()["segment_key"] == "intern"


def test_an_unknown_profile_query_parameter_is_rejected(api):
    response = api.get("/api/extension/learning/profile", params={"host": "x.io", "schema_hash": "s", "segment": "senior"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "query.segment"
