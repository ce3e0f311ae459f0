"""The segments service's operations; handlers call these. Item layout (docs/data-model.md):

EntitiesTable
  SEGMENT#{id} / SEGMENT           the segment; gsi1 SEGMENT_PERSONA#{persona} / {status}#{created}#{id},
                                   gsi2 SEGMENTS / {status}#{created}#{id}
  SEGMENT#{id} / MEMBER#{user}     a member
  SEGMENT#{id} / VARIANT#{v}       variant v of the segment's content is taken (-> personalized id)
  SEGMENT#{id} / CONTROL           the segment's control is taken (-> personalized id)
  PERSONALIZED#{pid} / PERSONALIZED  personalized content with its counters; gsi1 SEGMENT_CONTENT#{id} / ...
EventsTable
  PERSONALIZED#{pid} / PERF#{ts}#{n}  one performance update (the time series)
  SEGMENT_PERF#{id} / {date}          daily performance totals of the segment
  SEGMENT_GROWTH#{id} / {date}        daily member adds and removes
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from segmentation.platform import dynamodb, settings
from segmentation.platform.api import logger
from segmentation.platform.errors import Conflict, InvalidInput, NotFound, PlatformError
from segmentation.segments import analytics
from segmentation.segments.criteria import UserProfile, evaluate, validate_criteria

SEGMENT_FIELDS = ("id", "persona_id", "segment_name", "description", "criteria", "strategy", "status",
                  "performance_metrics", "estimated_size", "member_count", "created_at", "updated_at",
                  "last_analyzed_at")
LIVE = "attribute_exists(pk) AND attribute_not_exists(deleted_at)"


class AnalysisFailed(PlatformError):
    """The scheduled analysis could not analyze some segments."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _segment_pk(segment_id: str) -> str:
    return f"SEGMENT#{segment_id}"


def _index_keys(segment: dict[str, Any]) -> dict[str, str]:
    order = f"{segment['status']}#{segment['created_at']}#{segment['id']}"
    return {"gsi1pk": f"SEGMENT_PERSONA#{segment['persona_id']}", "gsi1sk": order,
            "gsi2pk": "SEGMENTS", "gsi2sk": order}


def _public(segment: dict[str, Any]) -> dict[str, Any]:
    return {name: segment.get(name) for name in SEGMENT_FIELDS}


# ---------------------------------------------------------------- segments
def create_segment(fields: dict[str, Any]) -> dict[str, Any]:
    criteria = validate_criteria(fields["strategy"], fields["criteria"])
    now = _now()
    segment = {**fields, "id": str(uuid.uuid4()), "persona_id": str(fields["persona_id"]), "criteria": criteria,
               "member_count": 0, "performance_metrics": None, "last_analyzed_at": None, "created_at": now,
               "updated_at": now, "version": 1}
    dynamodb.call("put_item", TableName=settings.entities_table(), ConditionExpression="attribute_not_exists(pk)",
               Item=dynamodb.serialize({"pk": _segment_pk(segment["id"]), "sk": "SEGMENT", "entity": "segment",
                                     **_index_keys(segment), **segment}))
    return _public(segment)


def _load(segment_id: str) -> dict[str, Any]:
    segment = dynamodb.get(settings.entities_table(), _segment_pk(segment_id), "SEGMENT")
    if segment is None or "deleted_at" in segment:
        raise NotFound(f"segment {segment_id} does not exist")
    return segment


def get_segment(segment_id: str) -> dict[str, Any]:
    return _public(_load(segment_id))


def list_segments(persona_id: str | None, status: str | None, strategy: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first within a status; by persona on gsi1, all segments on gsi2; strategy filters."""
    index, partition = ("gsi1", f"SEGMENT_PERSONA#{persona_id}") if persona_id else ("gsi2", "SEGMENTS")
    condition, named = f"{index}pk = :pk", {"pk": partition}
    if status:
        condition += f" AND begins_with({index}sk, :status)"
        named["status"] = f"{status}#"
    query: dict[str, Any] = {"KeyConditionExpression": condition, "ScanIndexForward": False}
    if strategy:
        query["FilterExpression"], named["strategy"] = "strategy = :strategy", strategy
    items, next_cursor = dynamodb.query_page(settings.entities_table(), limit, cursor, index=index,
                                          ExpressionAttributeValues=dynamodb.values(**named), **query)
    return [_public(item) for item in items], next_cursor


def update_segment(segment_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A partial update; criteria are validated against the resulting strategy. Optimistic: a concurrent
    change to the same segment between read and write is a 409."""
    if not changes:
        raise InvalidInput("the update names no field", field="body")
    current = _load(segment_id)
    updated = {**current, **changes}
    if "persona_id" in changes:
        updated["persona_id"] = str(changes["persona_id"])
    if "criteria" in changes or "strategy" in changes:
        field = "body.criteria" if "criteria" in changes else "body.strategy"
        updated["criteria"] = validate_criteria(updated["strategy"], updated["criteria"], field=field)
    updated["updated_at"] = _now()
    updated["version"] = current["version"] + 1
    assignments = {name: updated.get(name) for name in (*changes, "criteria", "updated_at", "version")}
    assignments.update(_index_keys(updated))
    set_parts = [f"#{n} = :{n}" for n, v in assignments.items() if v is not None]
    remove_parts = [f"#{n}" for n, v in assignments.items() if v is None]
    expression = "SET " + ", ".join(set_parts) + (" REMOVE " + ", ".join(remove_parts) if remove_parts else "")
    answer = dynamodb.conditional(
        "update_item", TableName=settings.entities_table(), Key=dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
        UpdateExpression=expression, ConditionExpression=f"{LIVE} AND version = :expected",
        ExpressionAttributeNames={f"#{n}": n for n in assignments},
        ExpressionAttributeValues=dynamodb.values(expected=current["version"],
                                               **{n: v for n, v in assignments.items() if v is not None}),
        ReturnValues="ALL_NEW")
    if answer is None:
        _load(segment_id)  # 404 if it was deleted meanwhile
        raise Conflict(f"segment {segment_id} changed during the update; retry")
    return _public(dynamodb.deserialize(answer["Attributes"]))


def delete_segment(segment_id: str) -> dict[str, Any]:
    """Deletes the segment, its members and its personalized content. The segment is tombstoned first
    (it leaves the indexes and stops taking members or content), then its items are deleted, then the
    tombstone; a DELETE repeated after a failure part-way resumes. Performance events and growth
    counters stay in the events table as history."""
    table = settings.entities_table()
    tombstone = dynamodb.conditional(
        "update_item", TableName=table, Key=dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
        UpdateExpression="SET deleted_at = if_not_exists(deleted_at, :now) REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk",
        ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues=dynamodb.values(now=_now()),
        ReturnValues="ALL_NEW")
    if tombstone is None:
        raise NotFound(f"segment {segment_id} does not exist")
    children = [item for item in dynamodb.query_all(table, KeyConditionExpression="pk = :pk",
                                                  ExpressionAttributeValues=dynamodb.values(pk=_segment_pk(segment_id)),
                                                  ProjectionExpression="pk, sk, personalized_id")
                if item["sk"] != "SEGMENT"]
    contents = {(f"PERSONALIZED#{c['personalized_id']}", "PERSONALIZED") for c in children
                if c["sk"].startswith("VARIANT#")}
    dynamodb.delete_keys(table, sorted(contents))
    dynamodb.delete_keys(table, [(c["pk"], c["sk"]) for c in children])
    dynamodb.call("delete_item", TableName=table, Key=dynamodb.key(_segment_pk(segment_id), "SEGMENT"))
    members = sum(1 for c in children if c["sk"].startswith("MEMBER#"))
    return {"id": segment_id, "deleted": True, "members_removed": members, "content_removed": len(contents)}


# ---------------------------------------------------------------- members
def _growth_update(segment_id: str, counter: str) -> dict[str, Any]:
    return {"Update": {"TableName": settings.events_table(),
                       "Key": dynamodb.key(f"SEGMENT_GROWTH#{segment_id}", datetime.now(UTC).date().isoformat()),
                       "UpdateExpression": "ADD #counter :one SET segment_id = :segment",
                       "ExpressionAttributeNames": {"#counter": counter},
                       "ExpressionAttributeValues": dynamodb.values(one=1, segment=segment_id)}}


def _member_count(segment_id: str) -> int:
    return _load(segment_id)["member_count"]


def _member_public(item: dict[str, Any]) -> dict[str, Any]:
    public = {k: item.get(k) for k in ("segment_id", "user_id", "confidence_score", "assignment_reason", "added_at",
                                       "updated_at")}
    return {**public, "joined_at": item.get("added_at")}


def add_member(segment_id: str, user_id: str, confidence_score: float,
               assignment_reason: str | None) -> tuple[dict[str, Any], bool, int]:
    """(member, created, member_count). Adding a member twice updates its score and reason; the count
    moves only with the member item, in one transaction."""
    table, now = settings.entities_table(), _now()
    member = {"pk": _segment_pk(segment_id), "sk": f"MEMBER#{user_id}", "entity": "segment_member",
              "segment_id": segment_id, "user_id": user_id, "confidence_score": confidence_score,
              "assignment_reason": assignment_reason, "added_at": now, "updated_at": now}
    try:
        dynamodb.transact([
            {"Put": {"TableName": table, "Item": dynamodb.serialize(member),
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": table, "Key": dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
                        "UpdateExpression": "ADD member_count :one", "ConditionExpression": LIVE,
                        "ExpressionAttributeValues": dynamodb.values(one=1)}},
            _growth_update(segment_id, "added"),
        ])
        return _member_public(member), True, _member_count(segment_id)
    except dynamodb.TransactionCancelled as cancelled:
        if cancelled.failed[1]:
            raise NotFound(f"segment {segment_id} does not exist") from cancelled
    answer = dynamodb.conditional(
        "update_item", TableName=table, Key=dynamodb.key(member["pk"], member["sk"]),
        UpdateExpression="SET confidence_score = :score, updated_at = :now" +
                         (", assignment_reason = :reason" if assignment_reason is not None else ""),
        ConditionExpression="attribute_exists(pk)", ReturnValues="ALL_NEW",
        ExpressionAttributeValues=dynamodb.values(score=confidence_score, now=now, **(
            {"reason": assignment_reason} if assignment_reason is not None else {})))
    if answer is None:
        raise Conflict(f"user {user_id} was removed from segment {segment_id} during the update; retry")
    return _member_public(dynamodb.deserialize(answer["Attributes"])), False, _member_count(segment_id)


def remove_member(segment_id: str, user_id: str) -> tuple[bool, int]:
    """(removed, member_count); removing a user who is not a member changes nothing."""
    table = settings.entities_table()
    try:
        dynamodb.transact([
            {"Delete": {"TableName": table, "Key": dynamodb.key(_segment_pk(segment_id), f"MEMBER#{user_id}"),
                        "ConditionExpression": "attribute_exists(pk)"}},
            {"Update": {"TableName": table, "Key": dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
                        "UpdateExpression": "ADD member_count :minus_one", "ConditionExpression": LIVE,
                        "ExpressionAttributeValues": dynamodb.values(minus_one=-1)}},
            _growth_update(segment_id, "removed"),
        ])
        return True, _member_count(segment_id)
    except dynamodb.TransactionCancelled as cancelled:
        if cancelled.failed[1]:
            raise NotFound(f"segment {segment_id} does not exist") from cancelled
        return False, _member_count(segment_id)


def list_members(segment_id: str, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    _load(segment_id)
    items, next_cursor = dynamodb.query_page(
        settings.entities_table(), limit, cursor, KeyConditionExpression="pk = :pk AND begins_with(sk, :member)",
        ExpressionAttributeValues=dynamodb.values(pk=_segment_pk(segment_id), member="MEMBER#"))
    return [_member_public(item) for item in items], next_cursor


def evaluate_profile(segment_id: str, profile: UserProfile) -> dict[str, Any]:
    segment = _load(segment_id)
    return {"segment_id": segment_id, "strategy": segment["strategy"], **evaluate(segment["criteria"], profile)}


# ---------------------------------------------------------------- personalized content
def create_content(segment_id: str, content_id: str, variant_id: str | None, is_control: bool) -> dict[str, Any]:
    """One transaction: the segment must be live, the variant id and (for a control) the segment's
    control must be free. 404 for a missing segment, 409 for a taken variant or control. Without a
    variant id the content is its own variant (variant_id = its id)."""
    table, now, personalized_id = settings.entities_table(), _now(), str(uuid.uuid4())
    variant_id = variant_id or personalized_id
    content = {"pk": f"PERSONALIZED#{personalized_id}", "sk": "PERSONALIZED", "entity": "personalized_content",
               "gsi1pk": f"SEGMENT_CONTENT#{segment_id}", "gsi1sk": f"{now}#{personalized_id}",
               "id": personalized_id, "content_id": content_id, "segment_id": segment_id, "variant_id": variant_id,
               "is_control": is_control, "views": 0, "engagement": 0, "conversions": 0, "created_at": now,
               "updated_at": now}
    marker = {"personalized_id": personalized_id, "segment_id": segment_id, "variant_id": variant_id}
    items = [
        {"ConditionCheck": {"TableName": table, "Key": dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
                            "ConditionExpression": LIVE}},
        {"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)", "Item": dynamodb.serialize(
            {"pk": _segment_pk(segment_id), "sk": f"VARIANT#{variant_id}", **marker})}},
        {"Put": {"TableName": table, "Item": dynamodb.serialize(content)}},
    ]
    if is_control:
        items.append({"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
                              "Item": dynamodb.serialize({"pk": _segment_pk(segment_id), "sk": "CONTROL", **marker})}})
    try:
        dynamodb.transact(items)
    except dynamodb.TransactionCancelled as cancelled:
        if cancelled.failed[0]:
            raise NotFound(f"segment {segment_id} does not exist") from cancelled
        if cancelled.failed[1]:
            raise Conflict(f"segment {segment_id} already has variant {variant_id}") from cancelled
        raise Conflict(f"segment {segment_id} already has a control") from cancelled
    return analytics.content_view(content)


def record_performance(personalized_id: str, views: int, engagement: int, conversions: int) -> dict[str, Any]:
    """Adds the increments to the content's counters, appends the update to its time series and to the
    segment's daily totals, all in one transaction; answers the counters after it."""
    entities, events = settings.entities_table(), settings.events_table()
    content = dynamodb.get(entities, f"PERSONALIZED#{personalized_id}", "PERSONALIZED")
    if content is None:
        raise NotFound(f"personalized content {personalized_id} does not exist")
    now = datetime.now(UTC)
    stamp, day = now.isoformat(timespec="microseconds"), now.date().isoformat()
    increments = dynamodb.values(views=views, engagement=engagement, conversions=conversions)
    adds = "ADD #views :views, #engagement :engagement, #conversions :conversions"
    counter_names = {"#views": "views", "#engagement": "engagement", "#conversions": "conversions"}
    try:
        dynamodb.transact([
            {"Update": {"TableName": entities, "Key": dynamodb.key(content["pk"], content["sk"]),
                        "UpdateExpression": f"{adds} SET updated_at = :now", "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeNames": counter_names,
                        "ExpressionAttributeValues": {**increments, **dynamodb.values(now=stamp)}}},
            {"Put": {"TableName": events, "Item": dynamodb.serialize({
                "pk": f"PERSONALIZED#{personalized_id}", "sk": f"PERF#{stamp}#{uuid.uuid4().hex[:8]}",
                "type": "performance", "segment_id": content["segment_id"], "personalized_id": personalized_id,
                "variant_id": content["variant_id"], "views": views, "engagement": engagement,
                "conversions": conversions, "recorded_at": stamp})}},
            {"Update": {"TableName": events, "Key": dynamodb.key(f"SEGMENT_PERF#{content['segment_id']}", day),
                        "UpdateExpression": f"{adds} SET segment_id = :segment",
                        "ExpressionAttributeNames": counter_names,
                        "ExpressionAttributeValues": {**increments, **dynamodb.values(segment=content["segment_id"])}}},
        ])
    except dynamodb.TransactionCancelled as cancelled:
        raise NotFound(f"personalized content {personalized_id} does not exist") from cancelled
    after = dynamodb.get(entities, content["pk"], content["sk"])
    if after is None:
        raise NotFound(f"personalized content {personalized_id} was deleted")
    return analytics.content_view(after)


def performance_series(personalized_id: str, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    items, next_cursor = dynamodb.query_page(
        settings.events_table(), limit, cursor, KeyConditionExpression="pk = :pk AND begins_with(sk, :perf)",
        ExpressionAttributeValues=dynamodb.values(pk=f"PERSONALIZED#{personalized_id}", perf="PERF#"),
        ScanIndexForward=False)
    return [{k: i[k] for k in ("recorded_at", "views", "engagement", "conversions")} for i in items], next_cursor


# ---------------------------------------------------------------- analytics
def _daily(pk: str, since: str) -> dict[str, dict[str, int]]:
    items = dynamodb.query_all(settings.events_table(), KeyConditionExpression="pk = :pk AND sk >= :since",
                            ExpressionAttributeValues=dynamodb.values(pk=pk, since=since))
    return {item["sk"]: item for item in items}


def segment_analytics(segment_id: str, days: int = 30, confidence_level: float = 0.95) -> dict[str, Any]:
    segment = _load(segment_id)
    contents = list(dynamodb.query_all(settings.entities_table(), IndexName="gsi1",
                                    KeyConditionExpression="gsi1pk = :pk",
                                    ExpressionAttributeValues=dynamodb.values(pk=f"SEGMENT_CONTENT#{segment_id}")))
    today = datetime.now(UTC).date()
    since = (today - timedelta(days=days - 1)).isoformat()
    report = analytics.build(segment, contents, _daily(f"SEGMENT_GROWTH#{segment_id}", since),
                             _daily(f"SEGMENT_PERF#{segment_id}", since), today, days, confidence_level)
    return {**report, "generated_at": _now()}


def analyze_segment(segment_id: str) -> dict[str, Any]:
    """Recomputes the analytics and stores their summary as the segment's performance_metrics."""
    report = segment_analytics(segment_id)
    ab = report["ab_test"]
    metrics = {**report["performance_summary"], "member_count": report["member_count"],
               "growth_rate": report["growth"]["growth_rate"], "net_growth": report["growth"]["net"],
               "engagement_trend": report["engagement_trend"]["direction"],
               "winning_variants": [v["variant_id"] for v in ab["variants"] if v["winner"]],
               "sample_ratio_mismatch": bool(ab["srm"] and ab["srm"]["mismatch"]),
               "recommendations": [r["code"] for r in report["recommendations"]]}
    now = _now()
    answer = dynamodb.conditional(
        "update_item", TableName=settings.entities_table(), Key=dynamodb.key(_segment_pk(segment_id), "SEGMENT"),
        UpdateExpression="SET performance_metrics = :metrics, last_analyzed_at = :now", ConditionExpression=LIVE,
        ExpressionAttributeValues=dynamodb.values(metrics=metrics, now=now), ReturnValues="ALL_NEW")
    if answer is None:
        raise NotFound(f"segment {segment_id} does not exist")
    return _public(dynamodb.deserialize(answer["Attributes"]))


def active_segment_ids() -> list[str]:
    items = dynamodb.query_all(settings.entities_table(), IndexName="gsi2",
                            KeyConditionExpression="gsi2pk = :pk AND begins_with(gsi2sk, :active)",
                            ExpressionAttributeValues=dynamodb.values(pk="SEGMENTS", active="active#"),
                            ProjectionExpression="id")
    return [item["id"] for item in items]


def analyze_active_segments() -> dict[str, Any]:
    """Analyzes every active segment; one failing segment does not stop the others, and the run fails
    at the end (so the invocation is reported as failed) naming every segment that could not be analyzed."""
    analyzed, failed = 0, []
    for segment_id in active_segment_ids():
        try:
            analyze_segment(segment_id)
            analyzed += 1
        except NotFound:
            continue  # deleted or no longer active since the query
        except Exception as error:  # noqa: BLE001 - reported below, the other segments still run
            logger.exception("segment analysis failed", extra={"segment_id": segment_id})
            failed.append(f"{segment_id}: {type(error).__name__}: {error}")
    if failed:
        raise AnalysisFailed(f"{len(failed)} of {analyzed + len(failed)} segments failed: " + "; ".join(failed))
    return {"analyzed": analyzed}
