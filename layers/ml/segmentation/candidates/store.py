"""Candidates in DynamoDB (EntitiesTable), through platform/dynamodb.py like every other store.

  CANDIDATE#{id} / CANDIDATE   the candidate: profile, contact fields, segment_id, segment_confidence,
                               segment_explanation, model_version, assigned_at, created_at, updated_at,
                               created_by, updated_by (the caller, issue 17; `import:{object key}` for
                               the bulk import), version (optimistic locking), assignment_error (why it
                               is unassigned)
      gsi1  CANDIDATE_SEGMENT#{segment_id or 'unassigned'} / {candidate_id}   list by segment
      gsi2  CANDIDATES / {candidate_id}                                       the whole pool (snapshots)

Reads on the request path are GetItem or Query on an index, never Scan. The pool's index partition
(gsi2 CANDIDATES) takes every candidate: on AWS one GSI partition absorbs about 1,000 writes/s, which
bounds the import rate, not reads.
"""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from segmentation.platform import dynamodb, settings
from segmentation.platform.api import logger
from segmentation.platform.errors import (
    Conflict,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    PlatformError,
    TransientError,
)

PROFILE_FIELDS = ("years_experience", "desired_salary", "location", "education_level", "primary_skill", "skills",
                  "full_name", "email", "phone")
ASSIGNMENT_FIELDS = ("segment_id", "segment_confidence", "segment_explanation", "model_version", "assigned_at")
PUBLIC_FIELDS = ("candidate_id", *PROFILE_FIELDS, *ASSIGNMENT_FIELDS, "assignment_error", "created_at", "updated_at")
UNASSIGNED = "unassigned"
LIVE = "attribute_exists(pk)"
TRANSACTION_ITEMS = 100  # TransactWriteItems' limit per call
ROLLBACK_ATTEMPTS = 3


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def pk(candidate_id: str) -> str:
    return f"CANDIDATE#{candidate_id}"


def _index_keys(candidate: dict[str, Any]) -> dict[str, str]:
    return {"gsi1pk": f"CANDIDATE_SEGMENT#{candidate.get('segment_id') or UNASSIGNED}",
            "gsi1sk": candidate["candidate_id"], "gsi2pk": "CANDIDATES", "gsi2sk": candidate["candidate_id"]}


def public(item: dict[str, Any]) -> dict[str, Any]:
    out = {name: item.get(name) for name in PUBLIC_FIELDS}
    out["skills"] = out["skills"] or []
    return out


def _item(candidate: dict[str, Any]) -> dict[str, Any]:
    return {"pk": pk(candidate["candidate_id"]), "sk": "CANDIDATE", "entity": "candidate",
            **_index_keys(candidate), **candidate}


def put_new(candidate: dict[str, Any]) -> None:
    """Create one candidate; Conflict (409) if the id is taken."""
    answer = dynamodb.conditional("put_item", TableName=settings.entities_table(), Item=dynamodb.serialize(
        _item(candidate)), ConditionExpression="attribute_not_exists(pk)")
    if answer is None:
        raise Conflict(f"candidate {candidate['candidate_id']} exists already; update it with PATCH")


def existing_ids(candidate_ids: list[str]) -> list[str]:
    """Which of these ids exist (BatchGetItem, 100 keys a call)."""
    table, found = settings.entities_table(), []
    for start in range(0, len(candidate_ids), 100):
        keys = [dynamodb.key(pk(i), "CANDIDATE") for i in candidate_ids[start:start + 100]]
        request = {table: {"Keys": keys, "ProjectionExpression": "candidate_id"}}
        while request:
            answer = dynamodb.call("batch_get_item", RequestItems=request)
            found += [dynamodb.deserialize(i)["candidate_id"] for i in answer.get("Responses", {}).get(table, [])]
            request = answer.get("UnprocessedKeys") or {}
    return sorted(found)


def put_all(candidates: list[dict[str, Any]]) -> None:
    """Create new candidates all or nothing (docs/candidates.md#batch-writes-are-all-or-nothing).

    TransactWriteItems of up to TRANSACTION_ITEMS Puts, each conditioned on its id being free: a
    transaction is written whole or not at all. When a later transaction fails (a DynamoDB failure that
    botocore's retries did not cure, or an id taken meanwhile), the candidates the earlier transactions
    wrote are deleted again before the error is raised, so the caller gets 503 (409 for a taken id) and
    the pool is as it was. Only if that rollback itself fails ROLLBACK_ATTEMPTS times does the error
    (503) name the ids that may remain."""
    table, written = settings.entities_table(), []
    try:
        for start in range(0, len(candidates), TRANSACTION_ITEMS):
            chunk = candidates[start:start + TRANSACTION_ITEMS]
            try:
                dynamodb.transact([{"Put": {"TableName": table, "Item": dynamodb.serialize(_item(c)),
                                            "ConditionExpression": "attribute_not_exists(pk)"}} for c in chunk])
            except dynamodb.TransactionCancelled as cancelled:
                taken = [c["candidate_id"] for c, failed in zip(chunk, cancelled.failed) if failed]
                raise Conflict(f"{len(taken)} candidate id(s) were created by another request meanwhile, "
                               f"nothing was written: {', '.join(taken[:20])}") from cancelled
            written += [c["candidate_id"] for c in chunk]
    except Exception as error:  # whatever stopped the batch, what it wrote is deleted again
        if written:
            _roll_back(written, error)
        if not isinstance(error, DependencyUnavailable | TransientError):
            raise  # a Conflict says so itself; anything else is the 500 of a bug, after the rollback
        undone = f", and the {len(written)} candidate(s) written before the failure were deleted again" if written else ""
        raise type(error)(f"{error}; nothing was written (a batch is all or nothing{undone}); retry the request") \
            from error


def _roll_back(candidate_ids: list[str], cause: Exception) -> None:
    """Delete the candidates a failed batch wrote (BatchWriteItem, unprocessed items retried), retried
    ROLLBACK_ATTEMPTS times; DependencyUnavailable naming the ids if they cannot be deleted."""
    keys = [(pk(i), "CANDIDATE") for i in candidate_ids]
    for attempt in range(ROLLBACK_ATTEMPTS):
        try:
            dynamodb.delete_keys(settings.entities_table(), keys)
            logger.warning("batch create rolled back", extra={"deleted": len(keys), "cause": str(cause)})
            return
        except PlatformError as error:
            logger.error("batch create rollback failed", extra={"attempt": attempt + 1, "error": str(error)})
            time.sleep(0.1 * 2 ** attempt)
    shown = ", ".join(candidate_ids[:20]) + (" ..." if len(candidate_ids) > 20 else "")
    raise DependencyUnavailable(f"{cause}; the batch was interrupted and deleting the {len(candidate_ids)} "
                                f"candidate(s) already written failed too, so these may exist: {shown}") from cause


def upsert_profile(candidate: dict[str, Any], principal: str | None = None) -> None:
    """The bulk import's write: set the profile of `candidate_id`, creating it if new (created_at, created_by
    and an existing assignment are kept), so importing the same file twice changes nothing but updated_at.
    `principal` is recorded as updated_by (and created_by of a new candidate)."""
    fields = {name: candidate.get(name) for name in PROFILE_FIELDS}
    set_values = {n: v for n, v in fields.items() if v is not None}
    removed = [n for n, v in fields.items() if v is None]
    stamp = now()
    by = {"created_by", "updated_by"} if principal else set()
    names = {f"#{n}": n for n in (*fields, "created_at", "updated_at", "version", "candidate_id", "entity",
                                  "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", *by)}
    expression = ("SET " + ", ".join([f"#{n} = :{n}" for n in set_values] + [
        "#candidate_id = :candidate_id", "#entity = :entity", "#updated_at = :now",
        "#created_at = if_not_exists(#created_at, :now)", "#version = if_not_exists(#version, :zero) + :one",
        "#gsi1pk = if_not_exists(#gsi1pk, :unassigned)", "#gsi1sk = :candidate_id", "#gsi2pk = :pool",
        "#gsi2sk = :candidate_id"] + (["#created_by = if_not_exists(#created_by, :by)", "#updated_by = :by"]
                                      if principal else [])) + (" REMOVE " + ", ".join(f"#{n}" for n in removed) if removed else ""))
    dynamodb.call("update_item", TableName=settings.entities_table(),
                  Key=dynamodb.key(pk(candidate["candidate_id"]), "CANDIDATE"), UpdateExpression=expression,
                  ExpressionAttributeNames=names, ExpressionAttributeValues=dynamodb.values(
                      **set_values, candidate_id=candidate["candidate_id"], entity="candidate", now=stamp, zero=0,
                      one=1, unassigned=f"CANDIDATE_SEGMENT#{UNASSIGNED}", pool="CANDIDATES",
                      **({"by": principal} if principal else {})))


def get(candidate_id: str) -> dict[str, Any]:
    item = dynamodb.get(settings.entities_table(), pk(candidate_id), "CANDIDATE")
    if item is None:
        raise NotFound(f"candidate {candidate_id} does not exist")
    return item


def list_page(segment_id: str | None, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """By segment on gsi1 (segment_id 'unassigned' lists those without one), else the pool on gsi2, in
    candidate_id order."""
    index, partition = ("gsi1", f"CANDIDATE_SEGMENT#{segment_id}") if segment_id else ("gsi2", "CANDIDATES")
    items, next_cursor = dynamodb.query_page(settings.entities_table(), limit, cursor, index=index,
                                             KeyConditionExpression=f"{index}pk = :pk",
                                             ExpressionAttributeValues=dynamodb.values(pk=partition))
    return [public(i) for i in items], next_cursor


def pool(limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Every candidate (Query on gsi2, in candidate_id order); at most `limit`."""
    query: dict[str, Any] = {"IndexName": "gsi2", "KeyConditionExpression": "gsi2pk = :pk",
                             "ExpressionAttributeValues": dynamodb.values(pk="CANDIDATES")}
    for count, item in enumerate(dynamodb.query_all(settings.entities_table(), **query)):
        if limit is not None and count >= limit:
            return
        yield public(item)


def count_up_to(limit: int) -> int:
    """How many candidates there are, counting no further than `limit` (a COUNT Query on gsi2)."""
    request: dict[str, Any] = {"TableName": settings.entities_table(), "IndexName": "gsi2", "Select": "COUNT",
                               "KeyConditionExpression": "gsi2pk = :pk",
                               "ExpressionAttributeValues": dynamodb.values(pk="CANDIDATES")}
    total = 0
    while total <= limit:
        answer = dynamodb.call("query", **request)
        total += answer["Count"]
        if "LastEvaluatedKey" not in answer:
            break
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    return total


def update(candidate_id: str, current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply `changes` (None clears a field) to the version read as `current`; Conflict if it changed since."""
    if not changes:
        raise InvalidInput("the update names no field", field="body")
    updated = {**current, **changes}
    assignments = {**changes, "updated_at": now(), "version": current.get("version", 1) + 1,
                   **_index_keys(updated)}
    set_parts = [f"#{n} = :{n}" for n, v in assignments.items() if v is not None]
    remove_parts = [f"#{n}" for n, v in assignments.items() if v is None]
    expression = "SET " + ", ".join(set_parts) + (" REMOVE " + ", ".join(remove_parts) if remove_parts else "")
    answer = dynamodb.conditional(
        "update_item", TableName=settings.entities_table(), Key=dynamodb.key(pk(candidate_id), "CANDIDATE"),
        UpdateExpression=expression, ConditionExpression=f"{LIVE} AND #version = :expected",
        ExpressionAttributeNames={f"#{n}": n for n in assignments},
        ExpressionAttributeValues=dynamodb.values(expected=current.get("version", 1),
                                                  **{n: v for n, v in assignments.items() if v is not None}),
        ReturnValues="ALL_NEW")
    if answer is None:
        get(candidate_id)  # 404 if deleted meanwhile
        raise Conflict(f"candidate {candidate_id} changed during the update; retry")
    return dynamodb.deserialize(answer["Attributes"])


def delete(candidate_id: str) -> None:
    answer = dynamodb.conditional("delete_item", TableName=settings.entities_table(),
                                  Key=dynamodb.key(pk(candidate_id), "CANDIDATE"), ConditionExpression=LIVE)
    if answer is None:
        raise NotFound(f"candidate {candidate_id} does not exist")


def write_assignment(candidate_id: str, assignment: dict[str, Any]) -> bool:
    """Set a candidate's segment fields (and its gsi1 key); False if the candidate was deleted meanwhile.
    Idempotent: writing the same assignment twice leaves the same item, so a retried shard is harmless."""
    values = {**assignment, "gsi1pk": f"CANDIDATE_SEGMENT#{assignment['segment_id']}"}
    answer = dynamodb.conditional(
        "update_item", TableName=settings.entities_table(), Key=dynamodb.key(pk(candidate_id), "CANDIDATE"),
        UpdateExpression="SET " + ", ".join(f"#{n} = :{n}" for n in values) + " REMOVE assignment_error",
        ConditionExpression=LIVE, ExpressionAttributeNames={f"#{n}": n for n in values},
        ExpressionAttributeValues=dynamodb.values(**values))
    return answer is not None


def write_assignments(assignments: list[tuple[str, dict[str, Any]]], workers: int = 8) -> int:
    """Write many assignments (UpdateItem each, `workers` at a time); how many candidates still existed."""
    with ThreadPoolExecutor(max_workers=workers) as pool_:
        return sum(pool_.map(lambda pair: write_assignment(*pair), assignments))


def record_assignment_error(candidate_id: str, message: str) -> None:
    dynamodb.conditional("update_item", TableName=settings.entities_table(),
                         Key=dynamodb.key(pk(candidate_id), "CANDIDATE"),
                         UpdateExpression="SET assignment_error = :message", ConditionExpression=LIVE,
                         ExpressionAttributeValues=dynamodb.values(message=message))
