"""EventBridge in the emulator: schedules fired on demand, and PutEvents delivered to Lambda and Step Functions."""

import json

import pytest
from localcloud.rules import RuleNotFound, fire_rule

from tests.integration.conftest import STACK
from tests.integration.helpers import wait_for_executions


def test_firing_the_nightly_schedule_reaches_its_lambda(stack, aws):
    result = fire_rule(stack.account_id, stack.region, f"{STACK}-nightly-retrain")
    [target] = result["targets"]
    assert target["target"].endswith(f"function:{STACK}-ScheduledRetrainFunction")
    assert target["errored"] is False
    assert target["payload"] == {"started": False, "status": "NO_CORPUS", "prefix": "corpus/"}


def test_scheduled_retrain_starts_a_run_for_a_new_corpus_and_skips_a_trained_one(stack, aws):
    bucket = stack.ref("ArtifactsBucket")
    aws("s3").put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})  # schedule only
    aws("s3").put_object(Bucket=bucket, Key="corpus/a.jsonl", Body=b'{"text": "nurse in a busy ward"}\n')
    first = fire_rule(stack.account_id, stack.region, f"{STACK}-nightly-retrain")["targets"][0]["payload"]
    assert first["started"] is True
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("TrainingStateMachine"))
    assert execution["status"] == "FAILED"
    assert "corpus has 1 documents; training 10 clusters needs at least 50" in execution["cause"]
    second = fire_rule(stack.account_id, stack.region, f"{STACK}-nightly-retrain")["targets"][0]["payload"]
    assert (second["started"], second["status"]) == (False, "FAILED")  # this corpus version was tried already


def test_unknown_rule(stack):
    with pytest.raises(RuleNotFound):
        fire_rule(stack.account_id, stack.region, "no-such-rule")


def test_put_events_reaches_lambda_and_step_functions_targets_but_not_schedules(stack, aws):
    events = aws("events")
    events.put_rule(Name="corpus-ready", EventPattern=json.dumps({"source": ["jobs.test"]}))
    machine_arn = stack.ref("TrainingStateMachine")
    health_arn = stack.resources["HealthFunction"]["attributes"]["Arn"]
    events.put_targets(Rule="corpus-ready", Targets=[
        {"Id": "pipeline", "Arn": machine_arn, "Input": json.dumps({"corpus": {"bucket": stack.ref("ArtifactsBucket"),
                                                                               "key": "corpus/none.jsonl"}})},
        {"Id": "health", "Arn": health_arn},
    ])
    events.put_events(Entries=[{"Source": "jobs.test", "DetailType": "Corpus", "Detail": "{}"}])
    [execution] = wait_for_executions(aws("stepfunctions"), machine_arn)
    assert execution["status"] == "FAILED" and "does not exist" in execution["cause"]  # delivered with its Input
    health_logs = aws("logs").filter_log_events(logGroupName=f"/aws/lambda/{stack.ref('HealthFunction')}")["events"]
    assert any(e["message"].startswith("START RequestId") for e in health_logs)
    retrain_group = f"/aws/lambda/{stack.ref('ScheduledRetrainFunction')}"
    assert aws("logs").describe_log_groups(logGroupNamePrefix=retrain_group)["logGroups"] == []
