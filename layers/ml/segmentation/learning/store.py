"""DynamoDB adapters of the learning service.

EventsTable, one item per event:
    pk = LEARNEVT#<event_id>, sk = LEARNEVT   (a conditional put makes a re-sent event a no-op)
    gsi1pk = LEARNDAY#<YYYY-MM-DD>#<shard>, gsi1sk = <occurred_at>#<event_id>
The aggregator reads a window with one Query per day and shard on gsi1 (never a Scan); the shard
(a hash of the event id, DAY_SHARDS of them) spreads a day's writes over several index partitions.
EntitiesTable, one item per form profile:
    pk = LEARNFORM#<host>#<schema_hash>, sk = PROFILE   (GET profile is a GetItem on it)
"""

import random
import time
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from segmentation.platform import aws, settings
from segmentation.platform.errors import ConfigurationError, DependencyUnavailable, NotFound, TransientError

DAY_SHARDS = 4
EVENT_RETENTION_DAYS = 180
_EVENT_FIELDS = ("host", "schema_hash", "family", "segment_key", "gen_style_id", "feedback_status", "edit_chars")
_TRANSIENT = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
              "InternalServerError", "ServiceUnavailable"}


def lookback_days() -> int:
    """The aggregator's window in days (LEARNING_LOOKBACK_DAYS, default 30)."""
    value = settings.optional("LEARNING_LOOKBACK_DAYS", "30")
    if not value.isdigit() or not 1 <= int(value) <= 365:
        raise ConfigurationError(f"LEARNING_LOOKBACK_DAYS must be a whole number of days in 1..365, not {value!r}")
    return int(value)


def _failure(error: Exception, what: str) -> Exception:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in _TRANSIENT:
            return TransientError(f"DynamoDB {code} while {what}")
        return DependencyUnavailable(f"DynamoDB {code} while {what}: {error.response['Error'].get('Message', '')}")
    return TransientError(f"DynamoDB unreachable while {what}: {error}")


def _attribute(value: Any) -> dict[str, Any]:
    """A DynamoDB attribute value (floats as numbers, None as NULL)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": format(Decimal(repr(value)), "f")}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): _attribute(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [_attribute(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__}")


def _value(attribute: dict[str, Any]) -> Any:
    (kind, value), = attribute.items()
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() and "." not in value else float(number)
    if kind == "M":
        return {k: _value(v) for k, v in value.items()}
    if kind == "L":
        return [_value(v) for v in value]
    if kind == "NULL":
        return None
    return value


def _shard(event_id: str) -> int:
    return zlib.crc32(event_id.encode()) % DAY_SHARDS


class EventStore:
    def __init__(self, table: str | None = None):
        self.table = table or settings.events_table()

    def put_new(self, event: dict[str, Any]) -> bool:
        """Store one event unless its id is stored already; True when it was new."""
        occurred = datetime.strptime(event["occurred_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        item = {
            "pk": f"LEARNEVT#{event['event_id']}", "sk": "LEARNEVT",
            "gsi1pk": f"LEARNDAY#{occurred:%Y-%m-%d}#{_shard(event['event_id'])}",
            "gsi1sk": f"{event['occurred_at']}#{event['event_id']}",
            "expires_at": int((occurred + timedelta(days=EVENT_RETENTION_DAYS)).timestamp()),
            **{k: v for k, v in event.items() if v is not None},
        }
        try:
            aws.client("dynamodb").put_item(TableName=self.table, Item={k: _attribute(v) for k, v in item.items()},
                                            ConditionExpression="attribute_not_exists(pk)")
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise _failure(error, f"storing learning event {event['event_id']}") from error
        except BotoCoreError as error:
            raise _failure(error, f"storing learning event {event['event_id']}") from error

    def window(self, now: datetime, days: int):
        """The events that occurred in the `days` days up to `now`: dicts with the aggregator's fields.
        One paginated Query per day and shard on gsi1."""
        since = now - timedelta(days=days)
        since_key = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        until_key = now.strftime("%Y-%m-%dT%H:%M:%SZ") + "~"  # after every "<now>#<event_id>"
        paginator = aws.client("dynamodb").get_paginator("query")
        day = since.date()
        while day <= now.date():
            for shard in range(DAY_SHARDS):
                pages = paginator.paginate(
                    TableName=self.table, IndexName="gsi1",
                    KeyConditionExpression="gsi1pk = :day AND gsi1sk BETWEEN :since AND :until",
                    ExpressionAttributeValues={":day": {"S": f"LEARNDAY#{day:%Y-%m-%d}#{shard}"},
                                               ":since": {"S": since_key}, ":until": {"S": until_key}},
                    ProjectionExpression=", ".join(f"#{name}" for name in _EVENT_FIELDS),
                    ExpressionAttributeNames={f"#{name}": name for name in _EVENT_FIELDS})
                try:
                    for page in pages:
                        for item in page["Items"]:
                            yield {
                                "host": item["host"]["S"], "schema_hash": item["schema_hash"]["S"],
                                "family": item["family"]["S"],
                                "segment_key": item["segment_key"]["S"] if "segment_key" in item else None,
                                "gen_style_id": item["gen_style_id"]["S"],
                                "feedback_status": item["feedback_status"]["S"],
                                "edit_chars": int(item["edit_chars"]["N"]),
                            }
                except (ClientError, BotoCoreError) as error:
                    raise _failure(error, f"reading learning events of {day}") from error
            day += timedelta(days=1)


def _profile_key(host: str, schema_hash: str) -> dict[str, Any]:
    return {"pk": {"S": f"LEARNFORM#{host}#{schema_hash}"}, "sk": {"S": "PROFILE"}}


class ProfileStore:
    def __init__(self, table: str | None = None):
        self.table = table or settings.entities_table()

    def get(self, host: str, schema_hash: str) -> dict[str, Any]:
        try:
            item = aws.client("dynamodb").get_item(TableName=self.table, Key=_profile_key(host, schema_hash),
                                                   ConsistentRead=True).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise _failure(error, "reading a form profile") from error
        if item is None:
            raise NotFound(f"no learning profile for form {schema_hash} on {host}")
        return {k: _value(v) for k, v in item.items() if k not in ("pk", "sk")}

    def put_all(self, profiles: list[dict[str, Any]], attempts: int = 8) -> None:
        """Write profiles with BatchWriteItem (25 a request), retrying unprocessed items with backoff."""
        client = aws.client("dynamodb")
        for start in range(0, len(profiles), 25):
            requests = [{"PutRequest": {"Item": {**_profile_key(p["host"], p["schema_hash"]),
                                                 **{k: _attribute(v) for k, v in p.items()}}}}
                        for p in profiles[start:start + 25]]
            for attempt in range(attempts):
                try:
                    unprocessed = client.batch_write_item(RequestItems={self.table: requests}).get(
                        "UnprocessedItems", {})
                except (ClientError, BotoCoreError) as error:
                    raise _failure(error, "writing form profiles") from error
                requests = unprocessed.get(self.table, [])
                if not requests:
                    break
                time.sleep(min(2.0, 0.05 * 2 ** attempt) * random.uniform(0.5, 1.0))
            else:
                raise TransientError(f"DynamoDB left {len(requests)} form profiles unwritten after {attempts} tries")


def now_from(event: dict[str, Any]) -> datetime:
    """The aggregation time: the schedule event's `time`, else the clock."""
    stamp = event.get("time") if isinstance(event, dict) else None
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp).astimezone(UTC)
    return datetime.now(UTC)

