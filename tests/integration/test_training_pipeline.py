"""The training state machine really executing in the emulator: S3 trigger, Map, Choice, Retry, Catch."""

import os

import pytest

from tests.conftest import CORPUS
from tests.integration.helpers import (
    event_types,
    read_json,
    replace_function_code,
    state_names,
    wait_for_executions,
)

SMALL_CORPUS = "\n".join(line for line in CORPUS.read_text().splitlines()[:120]) + "\n"


@pytest.fixture
def evaluate_gates(stack, aws):
    """Set gate variables on the Evaluate task for one test. The in-process runtime applies a function's
    variables to the whole process and never removes one, so they are taken back out afterwards."""
    function = stack.ref("EvaluateFunction")
    original = aws("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    set_names: set[str] = set()

    def apply(**gates: str) -> None:
        set_names.update(gates)
        aws("lambda").update_function_configuration(FunctionName=function,
                                                    Environment={"Variables": {**original, **gates}})

    yield apply
    aws("lambda").update_function_configuration(FunctionName=function, Environment={"Variables": original})
    for name in set_names - set(original):
        os.environ.pop(name, None)


def upload(aws, stack, key: str, body: str) -> None:
    aws("s3").put_object(Bucket=stack.ref("ArtifactsBucket"), Key=key, Body=body.encode())


def test_upload_under_corpus_prefix_trains_promotes_and_records_the_run(stack, aws, evaluate_gates):
    aws("lambda").update_function_configuration(  # 120 documents in shards of 50: a Map of three
        FunctionName=stack.ref("ValidateCorpusFunction"), Environment={"Variables": {
            **aws("lambda").get_function_configuration(FunctionName=stack.ref("ValidateCorpusFunction"))[
                "Environment"]["Variables"], "TRAINING_SHARD_SIZE": "50"}})
    # 120 documents are too few for the production stability floor (0.5 is for a full corpus): this test is
    # about the pipeline, the gates have their own test below. Set here, so the outcome does not depend on
    # which test ran before in the same process.
    evaluate_gates(GATE_STABILITY_ARI_MIN="0.1")
    upload(aws, stack, "corpus/jobs 2026.jsonl", SMALL_CORPUS)  # a space: the S3 event key arrives as 'jobs+2026'
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"), timeout=300)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    assert state_names(aws("stepfunctions"), execution["executionArn"]).count("EmbedShard") == 3
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert record["status"] == "SUCCEEDED"
    assert record["corpus"]["key"] == "corpus/jobs 2026.jsonl"
    assert record["corpus"]["documents"] == 120
    latest = read_json(aws("s3"), stack.ref("ArtifactsBucket"), "models/text/latest.json")
    assert latest["version"] == record["model"]["version"] == record["promotion"]["version"]


def test_upload_outside_the_prefix_starts_nothing(stack, aws):
    upload(aws, stack, "models/something.json", SMALL_CORPUS)
    assert aws("stepfunctions").list_executions(stateMachineArn=stack.ref("TrainingStateMachine"))["executions"] == []


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
from segmentation.text.pipeline_steps import validate_corpus

calls = 0

def handler(event, context):
    global calls
    calls += 1
    if calls == 1:
        raise TransientError("S3 SlowDown (first attempt)")
    return validate_corpus(event["run_id"], event["corpus"]["bucket"], event["corpus"]["key"])
'''

BROKEN_CLUSTERING = '''
def handler(event, context):
    raise RuntimeError("out of memory while clustering")
'''


def test_transient_error_is_retried_and_the_run_succeeds(stack, aws, evaluate_gates):
    evaluate_gates(GATE_STABILITY_ARI_MIN="0.1")  # the small corpus, as above
    replace_function_code(aws("lambda"), stack.ref("ValidateCorpusFunction"), "validate_corpus", FLAKY_VALIDATE)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"), timeout=300)
    assert execution["status"] == "SUCCEEDED"
    events = event_types(aws("stepfunctions"), execution["executionArn"])
    assert events.count("LambdaFunctionFailed") == 1
    assert events.count("LambdaFunctionSucceeded") >= 7  # validate (2nd try) and every later task


def test_unexpected_error_is_caught_and_recorded(stack, aws):
    replace_function_code(aws("lambda"), stack.ref("ReduceAndClusterFunction"), "reduce_and_cluster",
                          BROKEN_CLUSTERING)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "FAILED"
    assert state_names(aws("stepfunctions"), execution["executionArn"])[-2:] == ["RecordFailure", "TrainingFailed"]
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert record["status"] == "FAILED" and record["error"] == "RuntimeError"
    assert "out of memory" in record["cause"]
    group = f"/aws/lambda/{stack.ref('ReduceAndClusterFunction')}"
    logs = "\n".join(e["message"] for e in aws("logs").filter_log_events(logGroupName=group)["events"])
    assert "Traceback" in logs and "RuntimeError: out of memory" in logs
    assert "latest.json" not in str(aws("s3").list_objects_v2(Bucket=stack.ref("ArtifactsBucket"), Prefix="models/"))


def test_duplicate_notification_for_the_same_corpus_starts_one_run(stack, aws):
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)  # same content, same ETag
    sfn = aws("stepfunctions")
    wait_for_executions(sfn, stack.ref("TrainingStateMachine"), timeout=300)
    assert len(sfn.list_executions(stateMachineArn=stack.ref("TrainingStateMachine"))["executions"]) == 1


def test_a_model_below_its_quality_gates_is_not_promoted_and_the_run_says_why(stack, aws, evaluate_gates):
    evaluate_gates(GATE_SILHOUETTE_MIN="0.99")
    upload(aws, stack, "corpus/jobs.jsonl", SMALL_CORPUS)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"), timeout=300)
    assert execution["status"] == "FAILED"
    assert "failed its quality gates: silhouette" in execution["cause"] and "< 0.99" in execution["cause"]
    record = read_json(aws("s3"), stack.ref("ArtifactsBucket"), f"runs/{execution['name']}.json")
    assert record["error"] == "PromotionRefused"
    objects = aws("s3").list_objects_v2(Bucket=stack.ref("ArtifactsBucket"), Prefix="models/text/")["Contents"]
    assert not any(o["Key"] == "models/text/latest.json" for o in objects)
    assert any(o["Key"].endswith("/manifest.json") for o in objects)  # the version is kept for inspection
