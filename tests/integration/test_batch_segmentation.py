"""Batch segmentation through the deployed template: a JSON Lines file under batch/ads/ starts the batch state
machine (a Map over shards), which writes one result line per ad and reports malformed lines by line number."""

import json

import boto3

from tests.integration.helpers import read_json, state_names, wait_for_executions

ADS = [
    "Registered nurse for our intensive care unit: patient assessment, medication, night shifts.",
    "HGV driver (C+E licence) for national deliveries; loading, route planning, tachograph records.",
    "Senior Python developer to build our cloud data platform (AWS, Kubernetes, PostgreSQL).",
    "Cook for a busy hotel kitchen: prepare breakfast and lunch, keep food safety records.",
    "Accountant to prepare monthly management accounts, reconciliations and VAT returns.",
]


def batch_file() -> bytes:
    lines = [json.dumps({"id": "nurse-1", "text": ADS[0]}),
             "{not json",                                    # line 2
             json.dumps({"id": "driver-1", "text": ADS[1]}),
             json.dumps({"id": "no-text"}),                  # line 4
             "",                                             # blank lines are skipped
             json.dumps({"id": 7, "text": ADS[2]}),
             json.dumps({"id": "blank", "text": "   "}),     # line 7
             json.dumps(["an", "array"]),                    # line 8
             json.dumps({"text": ADS[3]}),
             json.dumps({"id": "acct", "text": ADS[4]})]
    return ("\n".join(lines) + "\n").encode()


def test_batch_file_is_segmented_line_by_line_with_an_error_report(seeded_stack):
    stack = seeded_stack
    lambda_client = boto3.client("lambda")
    plan = stack.ref("BatchPlanFunction")
    variables = lambda_client.get_function_configuration(FunctionName=plan)["Environment"]["Variables"]
    lambda_client.update_function_configuration(FunctionName=plan, Environment={
        "Variables": {**variables, "BATCH_SHARD_SIZE": "2"}})  # 5 ads -> a Map over 3 shards
    bucket = stack.ref("ArtifactsBucket")
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key="batch/ads/december/ads.jsonl", Body=batch_file())

    sfn = boto3.client("stepfunctions")
    [execution] = wait_for_executions(sfn, stack.ref("BatchSegmentationStateMachine"), timeout=240)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    states = state_names(sfn, execution["executionArn"])
    assert states.count("SegmentShard") == 3
    assert [s for s in states if s != "SegmentShard"] == ["PlanBatch", "SegmentShards", "FinishBatch"]

    body = s3.get_object(Bucket=bucket, Key="batch/results/december/ads.jsonl")["Body"].read().decode()
    results = [json.loads(line) for line in body.splitlines()]
    assert [(r["line"], r["id"]) for r in results] == [(1, "nurse-1"), (3, "driver-1"), (6, 7), (9, None),
                                                      (10, "acct")]
    latest = read_json(s3, bucket, "models/text/latest.json")["version"]
    for result in results:
        assert result["model_version"] == latest
        assert 0.0 <= result["cluster_assignment_confidence"] <= 1.0
        assert result["targeting_mode"] in ("cluster", "broad")
        assert result["cluster_profile_name"]

    errors = s3.get_object(Bucket=bucket, Key="batch/results/december/ads.errors.jsonl")["Body"].read().decode()
    report = [json.loads(line) for line in errors.splitlines()]
    assert [(e["line"], e["field"]) for e in report] == [(2, "line"), (4, "text"), (7, "text"), (8, "text")]
    assert "not valid JSON" in report[0]["error"] and "empty" in report[2]["error"]

    summary = read_json(s3, bucket, "batch/results/december/ads.summary.json")
    assert summary["ads"] == summary["segmented"] == 5 and summary["malformed"] == 4


def test_a_second_notification_for_the_same_file_starts_no_second_run(seeded_stack):
    stack = seeded_stack
    bucket = stack.ref("ArtifactsBucket")
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key="batch/ads/one.jsonl", Body=json.dumps({"text": ADS[0]}).encode() + b"\n")
    sfn = boto3.client("stepfunctions")
    [execution] = wait_for_executions(sfn, stack.ref("BatchSegmentationStateMachine"), timeout=240)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    head = s3.head_object(Bucket=bucket, Key="batch/ads/one.jsonl")
    event = {"Records": [{"s3": {"bucket": {"name": bucket},
                                 "object": {"key": "batch/ads/one.jsonl", "eTag": head["ETag"]}}}]}
    answer = json.loads(boto3.client("lambda").invoke(FunctionName=stack.ref("StartBatchSegmentationFunction"),
                                                      Payload=json.dumps(event))["Payload"].read())
    assert answer["runs"][0]["started"] is False
    assert len(sfn.list_executions(stateMachineArn=stack.ref("BatchSegmentationStateMachine"))["executions"]) == 1
