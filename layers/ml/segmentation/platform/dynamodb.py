"""DynamoDB access shared by the services: boto3 calls with item serialization, queries with cursors,
batch writes, transactions with their cancellation reasons, DynamoDB errors mapped to platform errors;
and the PynamoDB plumbing (table names and region read from the environment at call time, never at
import, so one model class serves every stack)."""

import base64
import binascii
import functools
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from segmentation.platform import aws, settings
from segmentation.platform.errors import DependencyUnavailable, InvalidInput, PlatformError, TransientError

_SERIALIZER, _DESERIALIZER = TypeSerializer(), TypeDeserializer()
_TRANSIENT = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
              "InternalServerError", "ServiceUnavailable", "TransactionInProgressException"}
_KEYS = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _SERIALIZER.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_DESERIALIZER.deserialize(v)) for k, v in item.items()}


def values(**named: Any) -> dict[str, Any]:
    """ExpressionAttributeValues from keyword arguments: values(one=1) -> {":one": {"N": "1"}}."""
    return {f":{k}": _SERIALIZER.serialize(_to_dynamo(v)) for k, v in named.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


class TransactionCancelled(Exception):
    """A transaction was cancelled by a condition: `failed[i]` is True where item i's condition failed."""

    def __init__(self, failed: list[bool]):
        super().__init__(f"transaction cancelled: conditions failed at {[i for i, f in enumerate(failed) if f]}")
        self.failed = failed


def translate(error: Exception, operation: str) -> Exception:
    """A DynamoDB failure (boto3's or PynamoDB's) as a platform error: throttling, DynamoDB's 5xx and
    network failures are TransientError (503, retried by the state machines and Lambda's asynchronous
    retries), anything else DependencyUnavailable (503) with DynamoDB's code. The one translator of the
    platform: boto3 callers go through call()/conditional()/transact(), PynamoDB callers through
    @translated."""
    if isinstance(error, PynamoDBException):
        cause = getattr(error, "cause", None)
        if isinstance(cause, ClientError | BotoCoreError):
            return translate(cause, operation)
        return TransientError(f"DynamoDB unreachable on {operation}: {error.msg}")
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _TRANSIENT or status >= 500:
            return TransientError(f"DynamoDB {code} on {operation}")
        return DependencyUnavailable(f"DynamoDB {code} on {operation}: {error.response['Error'].get('Message', '')}")
    return TransientError(f"DynamoDB unreachable on {operation}: {error}")


def translated(function: Any) -> Any:
    """Decorator for PynamoDB data access: platform errors pass through, DynamoDB failures are translated."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except PlatformError:
            raise
        except (PynamoDBException, ClientError, BotoCoreError) as error:
            raise translate(error, function.__name__) from error
    return wrapper


def call(operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return getattr(aws.client("dynamodb"), operation)(**kwargs)
    except (ClientError, BotoCoreError) as error:
        raise translate(error, operation) from error


def conditional(operation: str, **kwargs: Any) -> dict[str, Any] | None:
    """A write with a condition: its answer, or None when the condition failed."""
    try:
        return getattr(aws.client("dynamodb"), operation)(**kwargs)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return None
        raise translate(error, operation) from error
    except BotoCoreError as error:
        raise translate(error, operation) from error


def transact(items: list[dict[str, Any]], attempts: int = 5) -> None:
    """TransactWriteItems; TransactionCancelled says which conditions failed. Conflicts with another
    transaction on the same items are retried with backoff."""
    for attempt in range(attempts):
        try:
            aws.client("dynamodb").transact_write_items(TransactItems=items)
            return
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise translate(error, "transact_write_items") from error
            codes = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in codes:
                raise TransactionCancelled([c == "ConditionalCheckFailed" for c in codes]) from error
            if "TransactionConflict" not in codes or attempt == attempts - 1:
                raise translate(error, "transact_write_items") from error
            time.sleep(0.02 * 2 ** attempt)
        except BotoCoreError as error:
            raise translate(error, "transact_write_items") from error


def get(table: str, pk: str, sk: str) -> dict[str, Any] | None:
    item = call("get_item", TableName=table, Key=key(pk, sk), ConsistentRead=True).get("Item")
    return deserialize(item) if item else None


def encode_cursor(item: dict[str, Any], index_keys: tuple[str, ...]) -> str:
    """The one cursor encoding: an opaque token of the last item's table and index keys (all strings).
    A PynamoDB query's `last_evaluated_key` is encoded as `encode_cursor(deserialize(key), index_keys)`
    and read back with decode_cursor, whose answer is a DynamoDB key (ExclusiveStartKey)."""
    position = {k: item[k] for k in ("pk", "sk", *index_keys)}
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, index_keys: tuple[str, ...]) -> dict[str, Any]:
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(position, dict) or set(position) != {"pk", "sk", *index_keys}:
            raise ValueError("unexpected cursor keys")
        return {k: {"S": str(v)} for k, v in position.items()}
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput("cursor is not one this API returned", field="query.cursor") from error


def query_page(table: str, limit: int, cursor: str | None, index: str | None = None,
               **query: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` items of a Query (a FilterExpression may thin DynamoDB's pages, so this reads on
    until the page is full) and a cursor after the last one returned, or None at the end."""
    index_keys = (f"{index}pk", f"{index}sk") if index else ()
    request: dict[str, Any] = {"TableName": table, **query, **({"IndexName": index} if index else {})}
    if cursor:
        start = decode_cursor(cursor, index_keys)
        partition = f"{index}pk" if index else "pk"
        if start[partition] != query["ExpressionAttributeValues"][":pk"]:
            raise InvalidInput("cursor belongs to another listing", field="query.cursor")
        request["ExclusiveStartKey"] = start
    items: list[dict[str, Any]] = []
    while True:
        answer = call("query", Limit=limit + 1 - len(items), **request)
        items.extend(deserialize(i) for i in answer.get("Items", []))
        if len(items) > limit:
            return items[:limit], encode_cursor(items[limit - 1], index_keys)
        if "LastEvaluatedKey" not in answer:
            return items, None
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def query_all(table: str, **query: Any) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {"TableName": table, **query}
    while True:
        answer = call("query", **request)
        yield from (deserialize(i) for i in answer.get("Items", []))
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def batch_write(table: str, requests: list[dict[str, Any]], attempts: int = 8) -> None:
    """BatchWriteItem requests (PutRequest/DeleteRequest), 25 at a time, retrying unprocessed items
    with backoff."""
    for start in range(0, len(requests), 25):
        pending = {table: requests[start:start + 25]}
        for attempt in range(attempts):
            pending = call("batch_write_item", RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(0.02 * 2 ** attempt)
        else:
            raise TransientError(f"DynamoDB left {len(pending[table])} writes unprocessed on {table}")


def delete_keys(table: str, keys: list[tuple[str, str]]) -> None:
    batch_write(table, [{"DeleteRequest": {"Key": key(pk, sk)}} for pk, sk in keys])


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _KEYS}


# ---------------------------------------------------------------- PynamoDB
class EntitiesTableName:
    """Meta.table_name for items of EntitiesTable (ENTITIES_TABLE)."""

    def __get__(self, instance, owner) -> str:
        return settings.entities_table()


class EventsTableName:
    """Meta.table_name for items of EventsTable (EVENTS_TABLE)."""

    def __get__(self, instance, owner) -> str:
        return settings.events_table()


class Region:
    """Meta.region: AWS_REGION, as boto3 reads it."""

    def __get__(self, instance, owner) -> str | None:
        return aws.region()


@functools.lru_cache(maxsize=4)
def _connection(region_name: str | None) -> Connection:
    return Connection(region=region_name)


def transaction() -> TransactWrite:
    """A PynamoDB write transaction (across tables) on this region's connection."""
    return TransactWrite(connection=_connection(aws.region()))
