"""Starting training runs: from an S3 upload under the corpus prefix, or from the schedule.

A run is named after the corpus object and its ETag, so a duplicate S3 notification or a second
schedule tick for the same corpus content never starts a second run.
"""

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from segmentation.platform import aws, settings
from segmentation.platform.storage import ArtifactStore

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def execution_name(key: str, etag: str) -> str:
    stem = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{_UNSAFE.sub('-', stem).strip('-')[:50] or 'corpus'}-{etag.strip(chr(34))[:16]}"


def _execution_arn(state_machine_arn: str, name: str) -> str:
    return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"


def start_training(bucket: str, key: str, etag: str) -> dict[str, Any]:
    """Start a run for this corpus version, unless one exists already."""
    state_machine_arn = settings.training_state_machine_arn()
    name = execution_name(key, etag)
    sfn = aws.client("stepfunctions")
    try:
        existing = sfn.describe_execution(executionArn=_execution_arn(state_machine_arn, name))
        return {"key": key, "execution_arn": existing["executionArn"], "started": False,
                "status": existing["status"]}
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionDoesNotExist":
            raise
    execution_input = {"run_id": name, "corpus": {"bucket": bucket, "key": key}}
    try:
        started = sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(execution_input))
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return {"key": key, "execution_arn": _execution_arn(state_machine_arn, name), "started": False,
                "status": "ALREADY_STARTED"}
    return {"key": key, "execution_arn": started["executionArn"], "started": True, "status": "RUNNING"}


def start_from_s3_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Handle an S3 ObjectCreated notification. Keys arrive URL-encoded (spaces as '+')."""
    prefix = settings.corpus_prefix()
    results = []
    for record in event.get("Records", []):
        s3 = record["s3"]
        key = unquote_plus(s3["object"]["key"])
        if not key.startswith(prefix) or key.endswith("/"):
            continue
        results.append(start_training(s3["bucket"]["name"], key, s3["object"].get("eTag", "")))
    return results


def start_for_latest_corpus() -> dict[str, Any]:
    """The scheduled retrain: train on the newest corpus object unless it was trained already."""
    store = ArtifactStore(settings.artifacts_bucket())
    corpora = [obj for obj in store.list(settings.corpus_prefix()) if not obj["key"].endswith("/")]
    if not corpora:
        return {"started": False, "status": "NO_CORPUS", "prefix": settings.corpus_prefix()}
    newest = max(corpora, key=lambda obj: obj["last_modified"])
    return start_training(store.bucket, newest["key"], newest["etag"])
