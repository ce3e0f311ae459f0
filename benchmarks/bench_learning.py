"""Learning aggregator: the aggregation core on 100,000 events in memory, and the whole scheduled run
(EventBridge -> Step Functions -> Lambda -> Query on gsi1 -> profiles written) in the in-process emulator."""

import json
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from benchmarks.common import ROOT

STYLES = ("concise", "formal", "warm", "story")


def synthetic_events(count: int, seed: int = 7) -> list[dict]:
    """Stored-form events over count/5 forms in 8 ATS families (half of the events on a few popular forms,
    half spread evenly, so many forms are sparse), 4 styles with different helpful rates."""
    forms = max(10, count // 5)
    rng = random.Random(seed)
    families = ("greenhouse", "lever", "workday", "ashby", "icims", "taleo", "workable", "other")
    rates = {style: 0.3 + 0.12 * i for i, style in enumerate(STYLES)}
    form_list = [(f"host{f % 400}.example.com", f"schema{f}", families[f % len(families)],
                  rng.choice(("intern", "junior", "senior", "default", None))) for f in range(forms)]
    events = []
    for _ in range(count):
        host, schema, family, segment = form_list[min(int(rng.paretovariate(1.2)) - 1, forms - 1)
                                                  if rng.random() < 0.5 else rng.randrange(forms)]
        style = rng.choice(STYLES)
        status = rng.choices(("helpful", "unhelpful", "none"), (rates[style], 1 - rates[style], 0.5))[0]
        events.append({"host": host, "schema_hash": schema, "family": family, "segment_key": segment,
                       "gen_style_id": style, "feedback_status": status, "edit_chars": rng.randrange(200)})
    return events


def core(count: int = 100_000, repeats: int = 5) -> list[tuple[str, str, str]]:
    from segmentation.learning.aggregation import Aggregate, form_profiles

    events = synthetic_events(count)
    timings = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        profiles = form_profiles(Aggregate().add_all(events))
        timings.append(time.perf_counter() - t0)
    sources = {s: sum(p["style_hint"]["source"] == s for p in profiles) for s in ("form", "segment", "family", "none")}
    return [(f"aggregation core, {count:,} events -> {len(profiles):,} form profiles, in memory (stats + hints)",
             f"p50 {statistics.median(timings):.2f} s, min {min(timings):.2f} s (n={repeats}); sources {sources}",
             "< 60 s (one Lambda run, 900 s timeout)")]


def emulator(count: int) -> list[tuple[str, str, str]]:
    """Events stored as the sync handler stores them, then one schedule tick timed to the end of its execution."""
    import boto3
    from localcloud import moto_patches
    from localcloud.deployer import deploy
    from localcloud.rules import fire_rule
    from moto import mock_aws

    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        stack = deploy(ROOT / "template.yaml", "bench")
        os.environ["EVENTS_TABLE"] = stack.ref("EventsTable")
        from segmentation.learning.store import EventStore

        store = EventStore()
        now = datetime.now(UTC)
        rng = random.Random(3)
        t0 = time.perf_counter()
        for event in synthetic_events(count):
            occurred = now - timedelta(seconds=rng.randrange(29 * 86400))
            store.put_new({**event, "event_id": str(uuid.uuid4()), "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "received_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
        stored_s = time.perf_counter() - t0
        sfn = boto3.client("stepfunctions")
        t0 = time.perf_counter()
        [target] = fire_rule(stack.account_id, stack.region, "bench-learning-aggregate")["targets"]
        while (execution := sfn.describe_execution(executionArn=target["execution_arn"]))["status"] == "RUNNING":
            time.sleep(0.05)
        run_s = time.perf_counter() - t0
        if execution["status"] != "SUCCEEDED":
            raise RuntimeError(f"aggregator failed: {execution.get('cause')}")
    output = json.loads(execution["output"])
    return [(f"emulator: store {count:,} events (conditional PutItem each, in-process moto)",
             f"{stored_s:.1f} s ({count / stored_s:,.0f} events/s)", "n/a (moto, not DynamoDB)"),
            (f"emulator: scheduled aggregator run end to end on {count:,} events (fire rule -> execution SUCCEEDED)",
             (f"{run_s:.1f} s: read (Query gsi1) {output['timings_s']['read']:.1f} s, aggregate "
              f"{output['timings_s']['aggregate']:.2f} s, write {output['profiles']:,} profiles "
              f"{output['timings_s']['write']:.1f} s; sources {output['profiles_by_source']}"),
             "< 900 s (Lambda timeout)")]


def run() -> list[tuple[str, str, str]]:
    return core() + emulator(int(os.environ.get("BENCH_LEARNING_EMULATOR_EVENTS", "5000")))
