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
