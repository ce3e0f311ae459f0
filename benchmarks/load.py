"""`make load`: a bounded load run against the local cloud on loopback (it starts one, and stops it).

LOAD_CLIENTS (16) threads for LOAD_SECONDS (60), each with its own authenticated session, mixing segment
creates, member adds and removes, performance increments, job-ad schedules and learning syncs. Each client
owns its member ids, so the final membership is known exactly; afterwards every acknowledged write is
checked against the tables (segments, members and member_count, counters equal to the acknowledged
increments, learning events, scheduled ads): zero lost writes or it exits 1. Latency per operation,
requests per second and errors go to docs/benchmarks.md ("load"), with where the time goes: the
functions' own durations (their REPORT lines in CloudWatch Logs) against the HTTP round trip.
"""

import os
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_foundation import _start, _stop
from benchmarks.common import ROOT, api_session, local_client, percentile, print_table, record

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "16"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WEIGHTS = {"segment_create": 1, "member_add": 4, "member_remove": 2, "performance": 4, "job_schedule": 1,
           "learning_sync": 2}
BASE = "/api/v1/segments"
USERS_PER_CLIENT = 24


class Ledger:
    """What the API acknowledged, per kind, to check against the tables afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.segments: list[str] = []
        self.members: dict[str, set[str]] = defaultdict(set)
        self.counters: dict[str, Counter] = defaultdict(Counter)
        self.events: list[str] = []
        self.scheduled: set[int] = set()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: list[str] = []


def client(index: int, api: str, port: int, fixtures: dict, ledger: Ledger, deadline: float) -> None:
    rng = random.Random(index)
    session = api_session(port, "admin")
    mine: dict[str, set[str]] = defaultdict(set)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())

    def timed(kind: str, method: str, path: str, expect: tuple[int, ...], **kwargs):
        started = time.perf_counter()
        response = session.request(method, api + path, timeout=120, **kwargs)
        elapsed = time.perf_counter() - started
        with ledger.lock:
            ledger.latency[kind].append(elapsed)
            ledger.statuses[kind][response.status_code] += 1
            if response.status_code not in expect:
                ledger.errors.append(f"{kind} {method} {path} -> {response.status_code} {response.text[:160]}")
        return response if response.status_code in expect else None

    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        if kind == "segment_create":
            answer = timed(kind, "POST", BASE, (201,), json={
                "persona_id": str(uuid.uuid4()), "segment_name": f"Load {index}-{rng.random():.6f}",
                "strategy": "behavioral", "criteria": {"content_preferences": ["running"],
                                                       "engagement_frequency": "weekly"}})
            if answer is not None:
                with ledger.lock:
                    ledger.segments.append(answer.json()["id"])
        elif kind in ("member_add", "member_remove"):
            segment = rng.choice(fixtures["segments"])
            if kind == "member_remove" and mine[segment]:
                user = rng.choice(sorted(mine[segment]))
                if timed(kind, "DELETE", f"{BASE}/{segment}/members/{user}", (200,)) is not None:
                    mine[segment].discard(user)
            else:
                free = [f"c{index}-u{n}" for n in range(USERS_PER_CLIENT) if f"c{index}-u{n}" not in mine[segment]]
                if not free:
                    continue
                user = rng.choice(free)
                if timed("member_add", "POST", f"{BASE}/{segment}/members/{user}", (201,),
                         json={"confidence_score": round(rng.random(), 3)}) is not None:
                    mine[segment].add(user)
        elif kind == "performance":
            content = rng.choice(fixtures["contents"])
            increment = {"views": rng.randint(1, 5), "engagement": rng.randint(0, 2), "conversions": rng.randint(0, 1)}
            if timed(kind, "POST", f"{BASE}/personalized/{content}/performance", (200, 201), json=increment):
                with ledger.lock:
                    ledger.counters[content].update(increment)
        elif kind == "job_schedule":
            ad = rng.choice(fixtures["ads"])
            if timed(kind, "POST", f"/api/jobs/{ad}/schedule", (202,)) is not None:
                with ledger.lock:
                    ledger.scheduled.add(ad)
        elif kind == "learning_sync":
            ids = [str(uuid.uuid4()) for _ in range(3)]
            events = [{"event_id": event_id, "host": "boards.greenhouse.io", "schema_hash": f"load-{index}",
                       "gen_style_id": rng.choice(["concise", "formal"]), "feedback_status": "helpful",
                       "edit_chars": 2} for event_id in ids]
            answer = timed(kind, "POST", "/api/extension/learning/sync", (200,), json={"events": events})
            if answer is not None:
                body = answer.json()
                refused = {r["index"] for r in body["rejections"]}
                with ledger.lock:  # acknowledged: the events the answer did not reject
                    ledger.events.extend(event_id for i, event_id in enumerate(ids) if i not in refused)
                    ledger.errors.extend(f"learning_sync rejected event: {r}" for r in body["rejections"])
    with ledger.lock:
        for segment, users in mine.items():
            ledger.members[segment] |= users


def setup(api: str, port: int) -> dict:
    session = api_session(port, "admin")
    segments, contents, ads = [], [], []
    for n in range(4):
        created = session.post(api + BASE, timeout=60, json={
            "persona_id": str(uuid.uuid4()), "segment_name": f"Load fixture {n}", "strategy": "behavioral",
            "criteria": {"content_preferences": ["running"], "engagement_frequency": "weekly"}})
        created.raise_for_status()
        segments.append(created.json()["id"])
        content = session.post(api + f"{BASE}/personalized", timeout=60, json={
            "content_id": f"load-{n}", "segment_id": segments[-1], "variant_id": "control", "is_control": True})
        content.raise_for_status()
        contents.append(content.json()["id"])
    for n in range(4):
        ad = session.post(api + "/api/jobs", timeout=60, json={
            "title": "Registered Nurse", "description": f"ICU nurse for night shifts in Toronto, ad {n}: patient "
                                                        "care, monitoring vital signs, working with doctors."})
        ad.raise_for_status()
        ads.append(ad.json()["jobAdId"])
    return {"segments": segments, "contents": contents, "ads": ads}


def verify(api: str, port: int, stack: dict, fixtures: dict, ledger: Ledger) -> list[str]:
    """Every acknowledged write, read back: a list of what is missing or wrong (empty: nothing lost)."""
    session = api_session(port, "read")
    dynamodb = local_client("dynamodb", f"http://127.0.0.1:{port}", stack["region"])
    entities, events = stack["outputs"]["EntitiesTableName"], stack["outputs"]["EventsTableName"]
    lost = []
    for segment in ledger.segments:
        if session.get(f"{api}{BASE}/{segment}", timeout=60).status_code != 200:
            lost.append(f"segment {segment} acknowledged but not readable")
    for segment in fixtures["segments"]:
        expected = ledger.members.get(segment, set())
        found, cursor = set(), None
        while True:
            page = session.get(f"{api}{BASE}/{segment}/members", timeout=60,
                               params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
            found |= {m["user_id"] for m in page["items"]}
            cursor = page.get("next_cursor")
            if not cursor:
                break
        count = session.get(f"{api}{BASE}/{segment}", timeout=60).json()["member_count"]
        if found != expected or count != len(expected):
            lost.append(f"segment {segment}: members {len(found)} listed, member_count {count}, "
                        f"{len(expected)} acknowledged (missing {sorted(expected - found)[:5]}, "
                        f"extra {sorted(found - expected)[:5]})")
    for content, acknowledged in ledger.counters.items():
        item = dynamodb.get_item(TableName=entities, Key={"pk": {"S": f"PERSONALIZED#{content}"},
                                                          "sk": {"S": "PERSONALIZED"}})["Item"]
        stored = {name: int(item[name]["N"]) for name in ("views", "engagement", "conversions")}
        if stored != {name: acknowledged[name] for name in stored}:
            lost.append(f"content {content}: counters {stored} != acknowledged {dict(acknowledged)}")
    for start in range(0, len(ledger.events), 100):
        keys = [{"pk": {"S": f"LEARNEVT#{e}"}, "sk": {"S": "LEARNEVT"}} for e in ledger.events[start:start + 100]]
        found = dynamodb.batch_get_item(RequestItems={events: {"Keys": keys}})["Responses"][events]
        if len(found) != len(keys):
            lost.append(f"learning events: {len(keys) - len(found)} of a batch of {len(keys)} missing")
    for ad in ledger.scheduled:
        status = session.get(f"{api}/api/jobs/{ad}", timeout=60).json()["status"]
        if status not in ("scheduled", "segmented", "failed"):
            lost.append(f"job ad {ad} acknowledged a schedule but is {status}")
    return lost


def function_durations(port: int, stack: dict) -> dict[str, list[float]]:
    """The handlers' own durations (ms) from their REPORT lines, per function."""
    logs = local_client("logs", f"http://127.0.0.1:{port}", stack["region"])
    durations: dict[str, list[float]] = {}
    for logical_id, resource in stack["resources"].items():
        if resource["type"] != "AWS::Serverless::Function":
            continue
        group = f"/aws/lambda/{resource['ref']}"
        values = []
        try:
            for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern="REPORT"):
                values += [float(m) for e in page["events"]
                           for m in re.findall(r"Duration: ([\d.]+) ms", e["message"])]
        except logs.exceptions.ResourceNotFoundException:
            continue  # never invoked during the run
        if values:
            durations[logical_id] = values
    return durations


def http_functions() -> set[str]:
    from localcloud.template import load_template

    return {name for name, resource in load_template(ROOT / "template.yaml")["Resources"].items()
            if any(e.get("Type") == "HttpApi" for e in resource.get("Properties", {}).get("Events", {}).values())}


def run() -> int:
    import requests

    process, _seconds, port, api_port = _start(seed_model=ROOT / "models" / "text" / "default")
    api = f"http://127.0.0.1:{api_port}"
    try:
        stack = requests.get(f"http://127.0.0.1:{port}/_local/stack", timeout=30).json()
        fixtures = setup(api, port)
        ledger = Ledger()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(client, i, api, port, fixtures, ledger, started + SECONDS) for i in range(CLIENTS)]
            for future in futures:
                future.result()
        elapsed = time.monotonic() - started
        lost = verify(api, port, stack, fixtures, ledger)
        durations = function_durations(port, stack)
    finally:
        _stop(process)

    every = [s for samples in ledger.latency.values() for s in samples]
    total = len(every)
    routed = http_functions()  # functions behind routes; the others ran inside one (EventBridge, synchronously)
    handler_ms = sum(sum(v) for name, v in durations.items() if name in routed)
    nested_ms = sum(sum(v) for name, v in durations.items() if name not in routed)
    rows = [(f"{CLIENTS} clients, {SECONDS:.0f} s, all operations",
             (f"{total} requests, {total / elapsed:.1f} req/s, p50 {statistics.median(every) * 1000:.0f} ms, "
             f"p95 {percentile(every, 95) * 1000:.0f} ms, {len(ledger.errors)} errors"), "zero lost writes")]
    for kind, samples in sorted(ledger.latency.items()):
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(ledger.statuses[kind].items()))
        rows.append((f"  {kind}", (f"n={len(samples)}, p50 {statistics.median(samples) * 1000:.0f} ms, "
                                  f"p95 {percentile(samples, 95) * 1000:.0f} ms ({codes})"), ""))
    rows.append(("acknowledged writes read back", (f"{len(lost)} lost (segments {len(ledger.segments)}, members "
                 f"{sum(len(m) for m in ledger.members.values())}, counter increments "
                 f"{sum(sum(c.values()) for c in ledger.counters.values())}, learning events {len(ledger.events)}, "
                 f"scheduled ads {len(ledger.scheduled)})"), "0"))
    rows.append(("time in the routed functions' handlers (REPORT durations) / client-side request time",
                 (f"{handler_ms / 1000:.1f} s / {sum(every):.1f} s ({handler_ms / 1000 / sum(every):.0%}); of it "
                 f"{nested_ms / 1000:.1f} s in functions they triggered synchronously (job-ad segmentation)"), ""))
    top = sorted(durations.items(), key=lambda item: -statistics.median(item[1]))[:4]
    rows.append(("slowest handlers (median REPORT duration)",
                 "; ".join(f"{name} {statistics.median(v):.0f} ms (n={len(v)})" for name, v in top), ""))
    print_table("load", rows)
    for error in ledger.errors[:10]:
        print("  error:", error)
    for problem in lost:
        print("  LOST:", problem)
    record("load", rows, f"make load (LOAD_CLIENTS={CLIENTS} LOAD_SECONDS={SECONDS:.0f})")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(run())
