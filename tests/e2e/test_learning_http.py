"""The learning service as the extension and an operator use it: HTTP only, against `make up`'s local cloud."""

import json
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


def test_profiles_listing_and_the_aggregators_latest_run_over_http(cloud):
    host = f"e2e{uuid.uuid4().hex[:8]}.lever.co"
    events = [{"event_id": str(uuid.uuid4()), "host": host, "schema_hash": form, "gen_style_id": "concise",
               "feedback_status": "helpful", "edit_chars": 1, "job": {"title": "Junior Analyst"}}
              for form, count in (("a", 5), ("b", 1)) for _ in range(count)]
    assert cloud.http.post("/api/extension/learning/sync", json={"events": events}).json()["stored"] == 6
    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    [rule] = [name for name in stack["rules"] if name.endswith("-learning-aggregate")]
    execution_arn = requests.post(f"{cloud.endpoint}/_local/rules/{rule}/fire", timeout=120).json()[
        "targets"][0]["execution_arn"]
    sfn = boto3.client("stepfunctions", endpoint_url=cloud.endpoint)
    deadline = time.monotonic() + 300
    while (execution := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the aggregator did not finish"
        time.sleep(0.2)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")

    latest = cloud.http.get("/api/extension/learning/runs/latest")
    assert latest.status_code == 200, latest.text
    run = latest.json()
    assert run["events"] >= 6 and run["profiles"] == sum(run["profiles_by_source"].values())
    assert json.loads(execution["output"])["aggregated_at"] == run["aggregated_at"]

    page = cloud.http.get("/api/extension/learning/profiles", params={"host": host, "limit": 1})
    assert page.status_code == 200, page.text
    first = page.json()
    assert [p["schema_hash"] for p in first["items"]] == ["a"] and first["next_cursor"]
    rest = cloud.http.get("/api/extension/learning/profiles",
                          params={"host": host, "limit": 1, "cursor": first["next_cursor"]}).json()
    assert [p["schema_hash"] for p in rest["items"]] == ["b"] and rest["next_cursor"] is None
    forms = cloud.http.get("/api/extension/learning/profiles", params={"host": host, "source": "form"}).json()
    assert [(p["schema_hash"], p["style_hint"]["preferred_style_id"]) for p in forms["items"]] == [("a", "concise")]
    bad = cloud.http.get("/api/extension/learning/profiles", params={"source": "everything"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.source"
