"""The training state machine really executing in the emulator: S3 trigger, Map, Choice, Retry, Catch."""

import json

from tests.conftest import CORPUS
from tests.integration.helpers import (event_types, read_json, replace_function_code, state_names,
                                       wait_for_executions)

SMALL_CORPUS = "\n".join(line for line in CORPUS.read_text().splitlines()[:120]) + "\n"


def upload(aws, stack, key: str, body: str) -> None:
    aws("s3").put_object(Bucket=stack.ref("ArtifactsBucket"), Key=key, Body=body.encode())


def test_upload_under_corpus_prefix_trains_and_publishes_a_run_record(stack, aws):
    upload(aws, stack, "corpus/jobs 2026.jsonl", SMALL_CORPUS)  # a space: the S3 event key arrives as 'jobs+2026'
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    states = state_names(aws("stepfunctions"), execution["executionArn"])
    assert states[:3] == ["ValidateCorpus", "IsCorpusValid", "ProfileShards"]
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert record["status"] == "SUCCEEDED"
    assert record["corpus"]["key"] == "corpus/jobs 2026.jsonl"
    assert record["summary"]["documents"] == 120


def test_upload_outside_the_prefix_starts_nothing(stack, aws):
    upload(aws, stack, "models/something.json", SMALL_CORPUS)
    assert aws("stepfunctions").list_executions(stateMachineArn=stack.ref("TrainingStateMachine"))["executions"] == []


def test_large_corpus_fans_out_over_shards(stack, aws):
    upload(aws, stack, "corpus/esco.jsonl", CORPUS.read_text())
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "SUCCEEDED"
    assert state_names(aws("stepfunctions"), execution["executionArn"]).count("ProfileShard") == 6  # 2,942 / 500
    assert json.loads(execution["output"])["summary"]["documents"] == 2942


def test_invalid_corpus_takes_the_choice_to_a_recorded_failure(stack, aws):
    upload(aws, stack, "corpus/broken.jsonl", '{"text": "fine"}\n{"text": ""}\n')
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "FAILED"
    assert execution["error"] == "TrainingRunFailed"
    assert "line 2: `text` is empty" in execution["cause"]
    assert "RejectCorpus" in state_names(aws("stepfunctions"), execution["executionArn"])
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert (record["status"], record["error"]) == ("FAILED", "CorpusInvalid")


FLAKY_VALIDATE = '''
from segmentation.platform.errors import TransientError
from segmentation.text.training_pipeline import validate_corpus

calls = 0

def handler(event, context):
    global calls
    calls += 1
    if calls == 1:
        raise TransientError("S3 SlowDown (first attempt)")
    return validate_corpus(event["run_id"], event["corpus"]["bucket"], event["corpus"]["key"])
'''

BROKEN_PUBLISH = '''
def handler(event, context):
    raise RuntimeError("disk full while writing the run record")
'''


def test_transient_error_is_retried_and_the_run_succeeds(stack, aws):
    replace_function_code(aws("lambda"), stack.ref("ValidateCorpusFunction"), "validate_corpus", FLAKY_VALIDATE)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "SUCCEEDED"
    events = event_types(aws("stepfunctions"), execution["executionArn"])
    assert events.count("LambdaFunctionFailed") == 1
    assert events.count("LambdaFunctionSucceeded") >= 3  # validate (2nd try), shards, publish


def test_unexpected_error_is_caught_and_recorded(stack, aws):
    replace_function_code(aws("lambda"), stack.ref("PublishRunFunction"), "publish_run", BROKEN_PUBLISH)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "FAILED"
    assert state_names(aws("stepfunctions"), execution["executionArn"])[-2:] == ["RecordFailure", "TrainingFailed"]
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert record["status"] == "FAILED" and record["error"] == "RuntimeError"
    assert "disk full" in record["cause"]
    group = f"/aws/lambda/{stack.ref('PublishRunFunction')}"
    logs = "\n".join(e["message"] for e in aws("logs").filter_log_events(logGroupName=group)["events"])
    assert "Traceback" in logs and "RuntimeError: disk full" in logs


def test_duplicate_notification_for_the_same_corpus_starts_one_run(stack, aws):
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)  # same content, same ETag
    sfn = aws("stepfunctions")
    wait_for_executions(sfn, stack.ref("TrainingStateMachine"))
    assert len(sfn.list_executions(stateMachineArn=stack.ref("TrainingStateMachine"))["executions"]) == 1
