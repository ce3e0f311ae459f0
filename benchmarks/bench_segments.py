"""Segments service over the local cloud's HTTP data plane: p50/p95 of create, get, list, member add,
performance update, and of analytics and analyze for a segment with 10,000 members and 20 content variants."""

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from benchmarks.bench_foundation import _start, _stop
from benchmarks.common import api_session, local_client, summary_ms, timed_calls

MEMBERS = 10_000
VARIANTS = 20
BASE = "/api/v1/segments"


def _timed_raw(call: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _segment(session: requests.Session, api: str, persona: str, name: str) -> dict:
    response = session.post(f"{api}{BASE}", json={"persona_id": persona, "segment_name": name,
                                                  "criteria": {"age_range": {"min": 25, "max": 45},
                                                               "engagement_level": "medium"}})
    response.raise_for_status()
    return response.json()


def _seed_members(endpoint: str, stack: dict, segment_id: str) -> None:
    """10,000 member items written straight into the table (BatchWriteItem), with the segment's
    member_count and today's growth counter set to match: adding them one by one through the API would
    measure the emulator's transaction cost (moto copies the table per transaction), not analytics."""
    dynamodb = local_client("dynamodb", endpoint, stack["region"])
    entities = stack["resources"]["EntitiesTable"]["ref"]
    events = stack["resources"]["EventsTable"]["ref"]
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    for start in range(0, MEMBERS, 25):
        requests_ = [{"PutRequest": {"Item": {
            "pk": {"S": f"SEGMENT#{segment_id}"}, "sk": {"S": f"MEMBER#user-{i:05d}"},
            "entity": {"S": "segment_member"}, "segment_id": {"S": segment_id}, "user_id": {"S": f"user-{i:05d}"},
            "confidence_score": {"N": "0.8"}, "added_at": {"S": now}, "updated_at": {"S": now}}}}
            for i in range(start, min(start + 25, MEMBERS))]
        pending = {entities: requests_}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    dynamodb.update_item(TableName=entities, Key={"pk": {"S": f"SEGMENT#{segment_id}"}, "sk": {"S": "SEGMENT"}},
                         UpdateExpression="ADD member_count :n", ExpressionAttributeValues={":n": {"N": str(MEMBERS)}})
    dynamodb.update_item(TableName=events, Key={"pk": {"S": f"SEGMENT_GROWTH#{segment_id}"},
                                                "sk": {"S": datetime.now(UTC).date().isoformat()}},
                         UpdateExpression="ADD added :n", ExpressionAttributeValues={":n": {"N": str(MEMBERS)}})


def run(repeats: int = 100) -> list[tuple[str, str, str]]:
    process, _seconds, port, api_port = _start()
    api, endpoint = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{port}"
    session = api_session(port)
    try:
        stack = session.get(f"{endpoint}/_local/stack", timeout=30).json()
        personas = [str(uuid.uuid4()) for _ in range(5)]
        _segment(session, api, personas[0], "warm-up")  # the first call imports the handler (cold start)
        session.get(f"{api}{BASE}/{uuid.uuid4()}")
        session.get(f"{api}{BASE}", params={"limit": 1})
        created: list[str] = []

        def create(index: int) -> requests.Response:
            response = session.post(f"{api}{BASE}", json={
                "persona_id": personas[index % len(personas)], "segment_name": f"bench {index}",
                "strategy": "hybrid", "criteria": {"age_range": {"min": 25, "max": 45}, "interests": ["travel"]}})
            created.append(response.json()["id"])
            return response

        create_s = timed_calls(create, repeats, expect=201)
        get_s = timed_calls(lambda i: session.get(f"{api}{BASE}/{created[i % len(created)]}"), repeats)
        list_s = timed_calls(lambda i: session.get(f"{api}{BASE}", params={
            "persona_id": personas[i % len(personas)], "status": "active", "limit": 20}), repeats)

        segment = _segment(session, api, personas[0], "10k members, 20 variants")
        sid = segment["id"]
        session.post(f"{api}{BASE}/{sid}/members/warm-up").raise_for_status()
        contents = []
        for index in range(VARIANTS):
            response = session.post(f"{api}{BASE}/personalized", json={
                "content_id": f"ad-{index}", "segment_id": sid, "variant_id": f"v{index}", "is_control": index == 0})
            response.raise_for_status()
            contents.append(response.json()["id"])
        perf_s = timed_calls(lambda i: session.post(
            f"{api}{BASE}/personalized/{contents[i % VARIANTS]}/performance",
            json={"views": 1000 + 10 * (i % 7), "engagement": 150 + i % 40, "conversions": 40 + i % 13}), repeats)
        _seed_members(endpoint, stack, sid)
        add_s = timed_calls(lambda i: session.post(f"{api}{BASE}/{sid}/members/late-{i}",
                                              json={"confidence_score": 0.9}), repeats, expect=201)
        count = session.get(f"{api}{BASE}/{sid}").json()["member_count"]
        assert count == MEMBERS + repeats + 1, count
        dynamodb = local_client("dynamodb", endpoint, stack["region"])
        entities = stack["resources"]["EntitiesTable"]["ref"]
        raw_content_s = _timed_raw(lambda: dynamodb.query(
            TableName=entities, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"SEGMENT_CONTENT#{sid}"}}), repeats)
        session.get(f"{api}{BASE}/{sid}/analytics").raise_for_status()
        analytics_s = timed_calls(lambda _i: session.get(f"{api}{BASE}/{sid}/analytics"), repeats)
        analyze_s = timed_calls(lambda _i: session.post(f"{api}{BASE}/{sid}/analyze"), repeats // 2)
        members_s = timed_calls(lambda _i: session.get(f"{api}{BASE}/{sid}/members", params={"limit": 100}), repeats // 2)
    finally:
        _stop(process)

    where = f"segment with {count:,} members and {VARIANTS} content variants"
    return [
        ("POST /api/v1/segments (create)", summary_ms(create_s), "-"),
        ("GET /api/v1/segments/{id}", summary_ms(get_s), "-"),
        ("GET /api/v1/segments?persona_id&status&limit=20 (Query on gsi1)", summary_ms(list_s), "-"),
        (f"POST .../members/{{user_id}} (transaction), {where}", summary_ms(add_s), "-"),
        ("POST .../personalized/{id}/performance (transaction + event)", summary_ms(perf_s), "-"),
        (f"GET .../analytics, {where}", summary_ms(analytics_s), "-"),
        (f"POST .../analyze, {where}", summary_ms(analyze_s), "-"),
        (f"GET .../members?limit=100, {where}", summary_ms(members_s), "-"),
        ("baseline: the analytics' content Query on gsi1 alone, boto3 straight to the local cloud's DynamoDB",
         summary_ms(raw_content_s), "-"),
    ]
