"""Scheduled segmentation under transient failures, through the deployed template: Lambda's asynchronous
retries (MaximumRetryAttempts 2) and the OnFailure destination, as the local cloud runs them. The fault
(DynamoDB throttling while segmenting) is injected by deploying the handler with a throttled first N
calls through the Lambda API."""

import time

import pytest
from localcloud import moto_patches
from localcloud.deployer import deploy
from moto import mock_aws

from tests.conftest import ROOT, TEMPLATE
from tests.integration.conftest import http_client
from tests.integration.helpers import replace_function_code
from tests.integration.test_jobs import DEVELOPER_AD, seed_model

THROTTLED = '''

# Injected by tests/integration/test_jobs_retries.py: the first {fails} segmentations are throttled.
import segmentation.jobs.segmenting as _segmenting
from segmentation.platform.errors import TransientError as _TransientError

_real_segment_ad = _segmenting.segment_ad
_calls = [0]


def _throttled(*args, **kwargs):
    _calls[0] += 1
    if _calls[0] <= {fails}:
        raise _TransientError("DynamoDB ThrottlingException on get_item (injected)")
    return _real_segment_ad(*args, **kwargs)


_segmenting.segment_ad = _throttled
'''


@pytest.fixture
def stack(monkeypatch):
    from segmentation.jobs import segmenting

    monkeypatch.setenv(moto_patches.ASYNC_RETRY_DELAYS, "0.05,0.1")
    real = segmenting.segment_ad
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        deployed = deploy(TEMPLATE, "jobsretry")
        seed_model(deployed)
        yield deployed
    segmenting.segment_ad = real  # the injected code patched the shared layer module


def throttle(stack, aws_lambda, fails: int) -> None:
    source = (ROOT / "functions" / "jobs" / "segment_job_ad.py").read_text() + THROTTLED.format(fails=fails)
    replace_function_code(aws_lambda, stack.ref("SegmentJobAdFunction"), "segment_job_ad", source)


def settled(http, job_ad_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while (ad := http.get(f"/api/jobs/{job_ad_id}").json)["status"] == "scheduled":
        assert time.monotonic() < deadline, "still scheduled"
        time.sleep(0.05)
    return ad


def starts(aws_logs, stack, logical_id: str) -> int:
    group = f"/aws/lambda/{stack.ref(logical_id)}"
    try:
        events = aws_logs.filter_log_events(logGroupName=group)["events"]
    except aws_logs.exceptions.ResourceNotFoundException:
        return 0
    return sum(e["message"].startswith("START RequestId") for e in events)


def test_a_transient_failure_is_retried_and_the_ad_is_segmented(stack):
    import boto3

    throttle(stack, boto3.client("lambda"), fails=2)
    http = http_client(stack)
    job_ad_id = http.post("/api/jobs", json=DEVELOPER_AD).json["jobAdId"]
    assert http.post(f"/api/jobs/{job_ad_id}/schedule").status_code == 202
    assert http.get(f"/api/jobs/{job_ad_id}").json["status"] == "scheduled"  # the first attempt was throttled
    ad = settled(http, job_ad_id)
    assert ad["status"] == "segmented" and ad["segmentationError"] is None
    logs = boto3.client("logs")
    assert starts(logs, stack, "SegmentJobAdFunction") == 3  # two throttled attempts, then the one that worked
    assert starts(logs, stack, "SegmentationFailedFunction") == 0


def test_after_the_last_retry_the_destination_fails_the_ad_with_the_reason(stack):
    import boto3

    config = boto3.client("lambda").get_function_event_invoke_config(FunctionName=stack.ref("SegmentJobAdFunction"))
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == stack.resources[
        "SegmentationFailedFunction"]["attributes"]["Arn"]
    throttle(stack, boto3.client("lambda"), fails=3)
    http = http_client(stack)
    job_ad_id = http.post("/api/jobs", json=DEVELOPER_AD).json["jobAdId"]
    http.post(f"/api/jobs/{job_ad_id}/schedule")
    ad = settled(http, job_ad_id)
    assert ad["status"] == "segmentation_failed"
    assert "ThrottlingException" in ad["segmentationError"] and "after 3 attempts" in ad["segmentationError"]
    assert ad["audienceClusterId"] is None
    logs = boto3.client("logs")
    assert starts(logs, stack, "SegmentJobAdFunction") == 3
    assert starts(logs, stack, "SegmentationFailedFunction") == 1
    retried = http.post(f"/api/jobs/{job_ad_id}/schedule")  # the throttling is over: a new schedule works
    assert retried.status_code == 202
    assert settled(http, job_ad_id)["status"] == "segmented"
