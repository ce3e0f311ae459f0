"""The learning service as the extension and an operator use it: HTTP only, against `make up`'s local cloud."""

import time
import uuid

import boto3
import requests


def test_sync_fire_the_aggregator_schedule_and_read_the_hint(cloud):
    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    [rule] = [name for name in stack["rules"] if name.endswith("-learning-aggregate")]
    events = [{"event_id": str(uuid.uuid4()), "host": "boards.greenhouse.io", "schema_hash": "e2e-form",
               "gen_style_id": "concise" if i < 4 else "formal", "feedback_status": "helpful" if i < 4 else "unhelpful",
               "edit_chars": 3, "job": {"title": "Sr. Data Engineer"}} for i in range(6)]
    synced = cloud.http.post("/api/extension/learning/sync", json={"events": events}, timeout=60)
    assert synced.status_code == 200, synced.text
    assert synced.json()["stored"] == 6
    assert cloud.http.post("/api/extension/learning/sync", json={"events": events},
                         timeout=60).json()["duplicates"] == 6

    fired = requests.post(f"{cloud.endpoint}/_local/rules/{rule}/fire", timeout=120)
    assert fired.status_code == 200, fired.text
    execution_arn = fired.json()["targets"][0]["execution_arn"]
    sfn = boto3.client("stepfunctions", endpoint_url=cloud.endpoint)
    deadline = time.monotonic() + 300
    while (execution := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the aggregator did not finish"
        time.sleep(0.2)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")

    profile = cloud.http.get("/api/extension/learning/profile",
                           params={"host": "boards.greenhouse.io", "schema_hash": "e2e-form"}, timeout=60)
    assert profile.status_code == 200, profile.text
    hint = profile.json()["style_hint"]
    assert (hint["source"], hint["preferred_style_id"], hint["segment_key"]) == ("form", "concise", "senior")
    unknown = cloud.http.get("/api/extension/learning/profile",
                           params={"host": "boards.greenhouse.io", "schema_hash": "nope"}, timeout=60)
    assert unknown.status_code == 404
