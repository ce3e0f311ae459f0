"""What the browser tests set up through the API and the local cloud's controls."""

import time
import uuid

import requests


def run_learning_aggregator(cloud) -> dict:
    """Fire the learning aggregator's schedule on the local cloud and wait for its execution."""
    import boto3

    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    [rule] = [name for name in stack["rules"] if name.endswith("-learning-aggregate")]
    fired = requests.post(f"{cloud.endpoint}/_local/rules/{rule}/fire", timeout=300)
    assert fired.status_code == 200, fired.text
    arn = fired.json()["targets"][0]["execution_arn"]
    sfn = boto3.client("stepfunctions", endpoint_url=cloud.endpoint)
    deadline = time.monotonic() + 300
    while (execution := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the learning aggregator did not finish"
        time.sleep(0.2)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    return execution


def learning_events(host, schema_hash, style, count, status="helpful", title="Senior Engineer"):
    return [{"event_id": str(uuid.uuid4()), "host": host, "schema_hash": schema_hash, "gen_style_id": style,
             "feedback_status": status, "edit_chars": 4, **({"job": {"title": title}} if title else {})}
            for _ in range(count)]


def ensure_candidate_model(cloud, candidates: list[dict]) -> None:
    """When the stack has the candidates service and no promoted candidate model yet: add `candidates`
    and train one (POST /api/candidates/segmentation/train, then its run), so its pages have data."""
    if cloud.http.get("/api/candidates/segments").status_code == 200:
        return
    for start in range(0, len(candidates), 100):
        created = cloud.http.post("/api/candidates", json={"candidates": candidates[start:start + 100]})
        assert created.status_code in (200, 201, 409), created.text
    started = cloud.http.post("/api/candidates/segmentation/train", json={"clusters": 3})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 300
    while (run := cloud.http.get(f"/api/candidates/segmentation/runs/{started.json()['run_id']}").json())[
            "status"] == "RUNNING":
        assert time.monotonic() < deadline, "the candidate training run did not finish"
        time.sleep(0.5)
    assert run["status"] == "SUCCEEDED", run
