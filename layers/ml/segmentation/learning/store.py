"""DynamoDB adapters of the learning service.

EventsTable, one item per event:
    pk = LEARNEVT#<event_id>, sk = LEARNEVT   (a conditional put makes a re-sent event a no-op)
    gsi1pk = LEARNDAY#<YYYY-MM-DD>#<shard>, gsi1sk = <occurred_at>#<event_id>
The aggregator reads a window with one Query per day and shard on gsi1 (never a Scan); the shard
(a hash of the event id, DAY_SHARDS of them) spreads a day's writes over several index partitions.
EntitiesTable, one item per form profile:
    pk = LEARNFORM#<host>#<schema_hash>, sk = PROFILE   (GET profile is a GetItem on it)
    gsi1pk = LEARNFORMS, gsi1sk = <host>#<schema_hash>            (GET profiles: all, or one host)
    gsi2pk = LEARNFORMS#<source or none>, gsi2sk = <host>#<schema_hash>   (GET profiles?source=)
and one item per aggregator run:
    pk = LEARNRUN, sk = <finished_at>#<run_id>   (GET runs/latest: a Query, newest first, limit 1)
Who wrote an item (issue 17): an event's created_by is the caller of the sync (the token's username);
profiles and run summaries are written by the scheduled aggregator, created_by = updated_by =
AGGREGATOR_PRINCIPAL.
"""

import uuid
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from segmentation.platform import dynamodb, settings
from segmentation.platform.errors import ConfigurationError, NotFound

DAY_SHARDS = 4
AGGREGATOR_PRINCIPAL = "system:learning-aggregator"  # the scheduled job's writes (no token calls it)
EVENT_RETENTION_DAYS = 180
_EVENT_FIELDS = ("host", "schema_hash", "family", "segment_key", "gen_style_id", "feedback_status", "edit_chars")


def lookback_days() -> int:
    """The aggregator's window in days (LEARNING_LOOKBACK_DAYS, default 30)."""
    value = settings.optional("LEARNING_LOOKBACK_DAYS", "30")
    if not value.isdigit() or not 1 <= int(value) <= 365:
        raise ConfigurationError(f"LEARNING_LOOKBACK_DAYS must be a whole number of days in 1..365, not {value!r}")
    return int(value)


def _shard(event_id: str) -> int:
    return zlib.crc32(event_id.encode()) % DAY_SHARDS


class EventStore:
    def __init__(self, table: str | None = None):
        self.table = table or settings.events_table()

    def put_new(self, event: dict[str, Any], created_by: str | None = None) -> bool:
        """Store one event (written by `created_by`, the sync's caller) unless its id is stored already; True
        when it was new (a re-sent event keeps its first writer)."""
        occurred = datetime.strptime(event["occurred_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        item = {
            "pk": f"LEARNEVT#{event['event_id']}", "sk": "LEARNEVT",
            "gsi1pk": f"LEARNDAY#{occurred:%Y-%m-%d}#{_shard(event['event_id'])}",
            "gsi1sk": f"{event['occurred_at']}#{event['event_id']}",
            "expires_at": int((occurred + timedelta(days=EVENT_RETENTION_DAYS)).timestamp()),
            **{k: v for k, v in event.items() if v is not None},
            **({"created_by": created_by} if created_by else {}),
        }
        stored = dynamodb.conditional("put_item", TableName=self.table, Item=dynamodb.serialize(item),
                                      ConditionExpression="attribute_not_exists(pk)")
        return stored is not None

    def window(self, now: datetime, days: int):
        """The events that occurred in the `days` days up to `now`: dicts with the aggregator's fields.
        One paginated Query per day and shard on gsi1."""
        since = now - timedelta(days=days)
        since_key = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        until_key = now.strftime("%Y-%m-%dT%H:%M:%SZ") + "~"  # after every "<now>#<event_id>"
        day = since.date()
        while day <= now.date():
            for shard in range(DAY_SHARDS):
                items = dynamodb.query_all(
                    self.table, IndexName="gsi1",
                    KeyConditionExpression="gsi1pk = :pk AND gsi1sk BETWEEN :since AND :until",
                    ExpressionAttributeValues=dynamodb.values(pk=f"LEARNDAY#{day:%Y-%m-%d}#{shard}",
                                                              since=since_key, until=until_key),
                    ProjectionExpression=", ".join(f"#{name}" for name in _EVENT_FIELDS),
                    ExpressionAttributeNames={f"#{name}": name for name in _EVENT_FIELDS})
                for item in items:
                    yield {"segment_key": None, **item}
            day += timedelta(days=1)


def _profile_pk(host: str, schema_hash: str) -> str:
    return f"LEARNFORM#{host}#{schema_hash}"


PROFILES_PARTITION = "LEARNFORMS"
RUNS_PARTITION = "LEARNRUN"


def _profile_item(profile: dict[str, Any]) -> dict[str, Any]:
    listing_key = f"{profile['host']}#{profile['schema_hash']}"
    return {"pk": _profile_pk(profile["host"], profile["schema_hash"]), "sk": "PROFILE",
            "gsi1pk": PROFILES_PARTITION, "gsi1sk": listing_key,
            "gsi2pk": f"{PROFILES_PARTITION}#{profile['style_hint']['source'] or 'none'}", "gsi2sk": listing_key,
            **profile, "created_by": AGGREGATOR_PRINCIPAL, "updated_by": AGGREGATOR_PRINCIPAL}


class ProfileStore:
    def __init__(self, table: str | None = None):
        self.table = table or settings.entities_table()

    def get(self, host: str, schema_hash: str) -> dict[str, Any]:
        item = dynamodb.get(self.table, _profile_pk(host, schema_hash), "PROFILE")
        if item is None:
            raise NotFound(f"no learning profile for form {schema_hash} on {host}")
        return dynamodb.strip_keys(item)

    def put_all(self, profiles: list[dict[str, Any]]) -> None:
        """Write profiles with BatchWriteItem (25 a request), retrying unprocessed items with backoff; each a
        whole new item by the aggregator (AGGREGATOR_PRINCIPAL)."""
        dynamodb.batch_write(self.table, [{"PutRequest": {"Item": dynamodb.serialize(_profile_item(p))}}
                                          for p in profiles])

    def page(self, host: str | None, source: str | None, limit: int,
             cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """Profiles by host then schema hash: all of them on gsi1, one source's on gsi2; `host` narrows to
        that host's forms (a key condition, so a page is never thinned by a filter)."""
        index, partition = ("gsi2", f"{PROFILES_PARTITION}#{source}") if source else ("gsi1", PROFILES_PARTITION)
        condition, named = f"{index}pk = :pk", {"pk": partition}
        if host:
            condition += f" AND begins_with({index}sk, :host)"
            named["host"] = f"{host}#"
        items, next_cursor = dynamodb.query_page(self.table, limit, cursor, index=index,
                                                 KeyConditionExpression=condition,
                                                 ExpressionAttributeValues=dynamodb.values(**named))
        return [dynamodb.strip_keys(item) for item in items], next_cursor


class RunStore:
    """The aggregator's run summaries, newest first."""

    def __init__(self, table: str | None = None):
        self.table = table or settings.entities_table()

    def put(self, summary: dict[str, Any]) -> None:
        item = {"pk": RUNS_PARTITION, "sk": f"{summary['finished_at']}#{summary['run_id']}", **summary,
                "created_by": AGGREGATOR_PRINCIPAL}
        dynamodb.call("put_item", TableName=self.table, Item=dynamodb.serialize(item))

    def latest(self) -> dict[str, Any]:
        answer = dynamodb.call("query", TableName=self.table, KeyConditionExpression="pk = :pk",
                               ExpressionAttributeValues=dynamodb.values(pk=RUNS_PARTITION),
                               ScanIndexForward=False, Limit=1, ConsistentRead=True)
        items = answer.get("Items") or []
        if not items:
            raise NotFound("the learning aggregator has not run yet")
        return dynamodb.strip_keys(dynamodb.deserialize(items[0]))


def new_run_id() -> str:
    return uuid.uuid4().hex


def now_from(event: dict[str, Any]) -> datetime:
    """The aggregation time: the schedule event's `time`, else the clock."""
    stamp = event.get("time") if isinstance(event, dict) else None
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp).astimezone(UTC)
    return datetime.now(UTC)

