"""Every change this project makes to moto 5.2.5, in one place. Each patch names the moto behaviour it covers.

Applied once per process by `apply()`; the local cloud's server and the tests' `mock_aws` fixtures call it.
"""

import copy
import json
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend as lambda_backend
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.events.models import Rule
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import get_backend as stepfunctions_backend

from localcloud import lambda_runtime

log = logging.getLogger("localcloud")
_applied = False
_apply_lock = threading.Lock()


# moto: LambdaFunction._invoke_lambda starts a Docker container for every invocation (Invoke API,
# Step Functions tasks, S3 notifications). There is no Docker here: run the handler in-process.
def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    return lambda_runtime.invoke(self, event if event is not None else {})


# moto: Rule.send_to_targets raises NotImplementedError for Lambda and Step Functions targets, and a
# schedule-only rule (no EventPattern) matches every PutEvents. Deliver to Lambda and Step Functions;
# leave the targets moto supports to moto; never deliver events to schedule-only rules.
_original_send_to_targets = Rule.send_to_targets


def _send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    if self.scheduled_expression and not self.event_pattern.get_pattern():
        return
    if not self.event_pattern.matches_event(original_event):
        return
    ours = [t for t in self.targets if t["Arn"].split(":")[2] in ("lambda", "states")]
    for target in ours:
        event = json.loads(target["Input"]) if "Input" in target else original_event
        try:
            deliver(self.account_id, self.region_name, target["Arn"], event)
        except Exception:  # delivery is asynchronous on AWS: record the failure, do not fail PutEvents
            log.exception("EventBridge rule %s could not deliver to %s", self.name, target["Arn"])
    others = [t for t in self.targets if t not in ours]
    if others:
        clone = copy.copy(self)
        clone.targets = others
        _original_send_to_targets(clone, original_event, transform_input)


def deliver(account_id: str, region: str, target_arn: str, event: Any) -> dict[str, Any]:
    """Deliver an event to a Lambda function (an asynchronous invocation) or Step Functions state machine target."""
    service = target_arn.split(":")[2]
    if service == "lambda":
        function = lambda_backend(account_id, region).get_function(target_arn)
        return {"target": target_arn, **invoke_async(function, event)}
    execution = stepfunctions_backend(account_id, region).start_execution(
        target_arn, name=str(uuid.uuid4()), execution_input=json.dumps(event))
    return {"target": target_arn, "execution_arn": execution.execution_arn}


# moto: an asynchronous invocation (an EventBridge target) runs once, and a failure is lost. Lambda
# retries a failed asynchronous invocation MaximumRetryAttempts times (default 2; about 1 and 2 minutes
# later), then sends a record of the event and its last error to the OnFailure destination of the
# function's EventInvokeConfig (OnSuccess likewise after a success). Here the first attempt runs at once,
# in the caller's thread (so callers see its effect as soon as on AWS, where it starts within
# milliseconds); the retries and destinations run on a background thread after the delays in
# LOCALCLOUD_ASYNC_RETRY_DELAYS (seconds, comma-separated; default "60,120"; tests shorten them).
ASYNC_RETRY_DELAYS = "LOCALCLOUD_ASYNC_RETRY_DELAYS"
_DEFAULT_RETRY_ATTEMPTS = 2


def async_retry_delays() -> list[float]:
    raw = os.environ.get(ASYNC_RETRY_DELAYS, "60,120")
    try:
        delays = [float(part) for part in raw.split(",") if part.strip()]
    except ValueError as error:
        raise ValueError(f"{ASYNC_RETRY_DELAYS}={raw!r}: expected seconds, comma-separated") from error
    return delays or [0.0]


def _invoke_config(function: LambdaFunction) -> dict[str, Any]:
    return function.event_invoke_config[0].config if function.event_invoke_config else {}


def invoke_async(function: LambdaFunction, event: Any) -> dict[str, Any]:
    """Lambda's asynchronous invocation: {"errored", "payload"} of the first attempt, and "retrying"."""
    payload, errored, _logs = function._invoke_lambda(event)
    retries = int(_invoke_config(function).get("MaximumRetryAttempts", _DEFAULT_RETRY_ATTEMPTS))
    if errored and retries > 0:
        threading.Thread(target=_retry, args=(function, event, retries), daemon=True,
                         name=f"async-retry-{function.function_name}").start()
    else:
        _to_destination(function, event, payload, errored, attempts=1)
    return {"errored": errored, "payload": json.loads(payload), "retrying": bool(errored and retries > 0)}


def _retry(function: LambdaFunction, event: Any, retries: int) -> None:
    delays = async_retry_delays()
    payload, errored, attempts = "null", True, 1
    for retry in range(retries):
        time.sleep(delays[min(retry, len(delays) - 1)])
        attempts += 1
        payload, errored, _logs = function._invoke_lambda(event)
        if not errored:
            break
    try:
        _to_destination(function, event, payload, errored, attempts)
    except Exception:  # a background thread: log what was lost, as Lambda's metrics would show it
        log.exception("asynchronous invocation of %s: destination failed", function.function_name)


def destination_record(function: LambdaFunction, event: Any, payload: str, errored: bool,
                       attempts: int) -> dict[str, Any]:
    """The record Lambda sends to a destination (its documented shape)."""
    return {
        "version": "1.0", "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": f"{function.function_arn}:$LATEST",
                           "condition": "RetriesExhausted" if errored else "Success",
                           "approximateInvokeCount": attempts},
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            **({"functionError": "Unhandled"} if errored else {})},
        "responsePayload": json.loads(payload),
    }


def _to_destination(function: LambdaFunction, event: Any, payload: str, errored: bool, attempts: int) -> None:
    config = _invoke_config(function).get("DestinationConfig") or {}
    arn = (config.get("OnFailure" if errored else "OnSuccess") or {}).get("Destination")
    if not arn:
        if errored:
            log.error("asynchronous invocation of %s failed after %d attempts; no OnFailure destination: "
                      "the event is dropped", function.function_name, attempts)
        return
    record = destination_record(function, event, payload, errored, attempts)
    service = arn.split(":")[2]
    if service == "lambda":
        target = lambda_backend(function.account_id, function.region).get_function(arn)
        _payload, failed, _logs = target._invoke_lambda(record)
        if failed:
            log.error("destination %s failed on the record of %s", arn, function.function_name)
    elif service == "sqs":
        from moto.sqs.models import sqs_backends

        queue_name = arn.split(":")[-1]
        sqs_backends[function.account_id][function.region].send_message(queue_name, json.dumps(record))
    else:
        raise NotImplementedError(f"destination {arn}: the local cloud delivers to Lambda and SQS destinations")


# moto: StepFunctionsParserBackend.start_execution names an execution started without a name 'None',
# so the second one fails with ExecutionAlreadyExists. AWS generates a UUID.
_original_start_execution = StepFunctionsParserBackend.start_execution


def _start_execution(self: StepFunctionsParserBackend, state_machine_arn: str, name: Any = None,
                     execution_input: Any = None, trace_header: Any = None) -> Any:
    return _original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), execution_input,
                                      trace_header)


# moto: DynamoDB writes are not isolated from each other. update_item reads, changes and stores an item
# without a lock (concurrent ADDs lose increments), and transact_write_items backs up whole tables and
# restores them on cancellation, undoing any write another thread made meanwhile. DynamoDB applies each
# write and each transaction atomically: serialize them (an RLock: transactions call the single writes).
_dynamodb_writes = threading.RLock()


def _serialized(method: Any) -> Any:
    def write(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _dynamodb_writes:
            return method(self, *args, **kwargs)

    return write


# moto: transact_write_items also deep-copies every table it touches before each transaction, so one
# transaction costs time in proportion to the whole table (about 2 s at 10,000 items). With writes
# serialized, check every condition first, then write, and on a failing write restore only the items
# written before it.
def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    steps, reasons, seen = [], [], set()
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        kind, op = next(iter(entry.items()))
        if kind not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table = self.get_table(op["TableName"])
        key = op.get("Key") or {name: op["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name}
        identity = (op["TableName"], str(dict(sorted(key.items()))))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        current = self.get_item(op["TableName"], key)
        reason: tuple[Any, Any, Any] = (None, None, None)
        if op.get("ConditionExpression") is not None and not get_filter_expression(
                op["ConditionExpression"], op.get("ExpressionAttributeNames"),
                op.get("ExpressionAttributeValues")).expr(current):
            old = current.to_json()["Attributes"] if current and op.get(
                "ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
            reason = ("ConditionalCheckFailed", "The conditional request failed", old)
        reasons.append(reason)
        steps.append((kind, op, key, copy.deepcopy(current)))
    if any(code for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    written: list[tuple[str, dict[str, Any], Any]] = []
    for index, (kind, op, key, before) in enumerate(steps):
        names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        try:
            if kind == "Put":
                self.put_item(op["TableName"], op["Item"], expression_attribute_names=names,
                              expression_attribute_values=values)
            elif kind == "Delete":
                self.delete_item(op["TableName"], key)
            elif kind == "Update":
                self.update_item(op["TableName"], key, op["UpdateExpression"], names, values)
        except Exception as error:
            for table_name, written_key, previous in reversed(written):
                if previous is None:
                    self.delete_item(table_name, written_key)
                else:
                    self.put_item(table_name, previous.to_json()["Attributes"])
            if isinstance(error, MockValidationException):
                raise
            failed: list[tuple[Any, Any, Any]] = [(None, None, None)] * len(steps)
            failed[index] = (type(error).__name__, str(error), None)
            raise TransactionCanceledException(failed) from error
        written.append((op["TableName"], key, before))


def apply() -> None:
    global _applied
    with _apply_lock:
        if _applied:
            return
        LambdaFunction._invoke_lambda = _invoke_lambda
        Rule.send_to_targets = _send_to_targets
        StepFunctionsParserBackend.start_execution = _start_execution
        DynamoDBBackend.transact_write_items = _transact_write_items
        for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
            setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
        _applied = True
