"""Runs of the candidates state machines: training (snapshot -> fit -> evaluate -> publish -> reassign),
prediction (snapshot -> assign shards) and bulk import (validate -> write shards -> start training).

A run id is the execution's name and starts with its kind (`train-`, `predict-`, `import-`), which
names the state machine. GET /api/candidates/segmentation/runs/{run_id} reads the execution (status, the
state it is in) and the run's record under runs/candidates/ (counts, result, error)."""

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from segmentation.platform import aws, settings
from segmentation.platform.errors import DependencyUnavailable, InvalidInput, NotFound, TransientError
from segmentation.platform.storage import ArtifactStore

KINDS = {"train": "CANDIDATE_TRAINING_STATE_MACHINE_ARN", "predict": "CANDIDATE_PREDICT_STATE_MACHINE_ARN",
         "import": "CANDIDATE_IMPORT_STATE_MACHINE_ARN"}
RUN_ID = re.compile(r"^(train|predict|import)-[A-Za-z0-9_-]{1,70}$")


def prefix() -> str:
    return settings.optional("CANDIDATE_RUNS_PREFIX", "runs/candidates/")


def record_key(run_id: str) -> str:
    return f"{prefix()}{run_id}.json"


def stage_key(run_id: str, name: str) -> str:
    return f"{prefix()}{run_id}/{name}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _state_machine(kind: str) -> str:
    return settings.require(KINDS[kind])


def _execution_arn(kind: str, run_id: str) -> str:
    return _state_machine(kind).replace(":stateMachine:", ":execution:") + f":{run_id}"


def _sfn_error(error: Exception, what: str) -> Exception:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("ThrottlingException", "ServiceUnavailable"):
            return TransientError(f"Step Functions {code} on {what}")
        return DependencyUnavailable(f"Step Functions {code} on {what}: {error.response['Error'].get('Message')}")
    return TransientError(f"Step Functions unreachable on {what}: {error}")


def start(kind: str, execution_input: dict[str, Any], run_id: str | None = None) -> dict[str, Any]:
    """Start a run (a given run_id makes it idempotent: a second start of the same id starts nothing)."""
    run_id = run_id or new_run_id(kind)
    try:
        aws.client("stepfunctions").start_execution(stateMachineArn=_state_machine(kind), name=run_id,
                                                    input=json.dumps(execution_input))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise _sfn_error(error, "start_execution") from error
    except BotoCoreError as error:
        raise _sfn_error(error, "start_execution") from error
    return {"run_id": run_id, "kind": kind, "status": "RUNNING",
            "status_url": f"/api/candidates/segmentation/runs/{run_id}"}


def _store() -> ArtifactStore:
    return ArtifactStore(settings.artifacts_bucket())


def write_record(run_id: str, **fields: Any) -> dict[str, Any]:
    """Merge fields into the run's record."""
    store = _store()
    try:
        record = store.get_json(record_key(run_id))
    except NotFound:
        record = {"run_id": run_id, "kind": run_id.split("-", 1)[0]}
    record.update(fields, updated_at=_now())
    store.put_json(record_key(run_id), record)
    return record


def describe(run_id: str) -> dict[str, Any]:
    match = RUN_ID.match(run_id)
    if not match:
        raise InvalidInput("a run id starts with train-, predict- or import- (as the run's 202 answer says)",
                           field="path.run_id")
    kind = match.group(1)
    sfn = aws.client("stepfunctions")
    try:
        execution = sfn.describe_execution(executionArn=_execution_arn(kind, run_id))
        events = sfn.get_execution_history(executionArn=_execution_arn(kind, run_id), reverseOrder=True,
                                           maxResults=50)["events"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            raise NotFound(f"run {run_id} does not exist") from error
        raise _sfn_error(error, "describe_execution") from error
    except BotoCoreError as error:
        raise _sfn_error(error, "describe_execution") from error
    events = sorted(events, key=lambda e: -e["id"])  # newest first (not every emulator honours reverseOrder)
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    try:
        record = _store().get_json(record_key(run_id))
    except NotFound:
        record = {}
    status = {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED"}.get(execution["status"], "FAILED")
    counts = dict(record.get("counts", {}))
    if status == "RUNNING" and "shards" in counts:
        counts["shards_done"] = len(_store().list(stage_key(run_id, "done/")))
    return {"run_id": run_id, "kind": kind, "status": status, "step": entered[0] if entered else None,
            "started_at": execution.get("startDate"), "finished_at": execution.get("stopDate"),
            "counts": counts, "result": record.get("result"),
            "error": record.get("error") or execution.get("error"),
            "cause": record.get("cause") or execution.get("cause")}
