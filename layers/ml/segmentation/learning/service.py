"""The learning service's operations: storing a synced batch, and one aggregation run."""

import time
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from segmentation.learning.aggregation import SOURCES, Aggregate, form_profiles
from segmentation.learning.events import validate_batch
from segmentation.learning.store import EventStore, ProfileStore, lookback_days, now_from
from segmentation.platform.api import logger


def _count(name: str, value: int, **dimensions: str) -> None:
    """One EMF metric. Namespace and service come from the environment at call time, so the metric is
    right whenever the layer was first imported."""
    with single_metric(name=name, unit=MetricUnit.Count, value=value) as metric:
        for dimension, dimension_value in dimensions.items():
            metric.add_dimension(name=dimension, value=dimension_value)


def sync(events: list[dict[str, Any]], store: EventStore | None = None) -> dict[str, Any]:
    """Validate each event, store the valid ones once each; counts and the rejections by index."""
    store = store or EventStore()
    received_at = datetime.now(UTC).replace(microsecond=0)
    valid, rejected = validate_batch(events, received_at)
    stored = sum(store.put_new(event) for event in valid)
    _count("LearningEventsStored", stored)
    _count("LearningEventsDuplicate", len(valid) - stored)
    _count("LearningEventsRejected", len(rejected))
    if rejected:
        logger.info("learning events rejected", extra={"rejected": [{"index": r["index"], "reason": r["reason"]}
                                                                    for r in rejected]})
    return {"accepted": len(valid), "stored": stored, "duplicates": len(valid) - stored,
            "rejected": len(rejected), "rejections": rejected}


def aggregate(event: dict[str, Any], events: EventStore | None = None,
              profiles: ProfileStore | None = None) -> dict[str, Any]:
    """One aggregator run over the lookback window ending at the schedule event's time."""
    now, days = now_from(event), lookback_days()
    started = time.perf_counter()
    window = list((events or EventStore()).window(now, days))
    read = time.perf_counter()
    result = Aggregate().add_all(window)
    written = form_profiles(result)
    aggregated = time.perf_counter()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for profile in written:
        profile.update({"aggregated_at": stamp, "lookback_days": days})
    (profiles or ProfileStore()).put_all(written)
    timings = {"read": round(read - started, 3), "aggregate": round(aggregated - read, 3),
               "write": round(time.perf_counter() - aggregated, 3)}
    by_source = {source: sum(p["style_hint"]["source"] == source for p in written) for source in SOURCES}
    runs = result.runs_by_family_and_segment()
    for (family, segment), count in sorted(runs.items()):
        _count("LearningRunsAggregated", count, family=family, segment=segment)
    for source, count in by_source.items():
        _count("LearningProfilesUpdated", count, source=source)
    summary = {"aggregated_at": stamp, "lookback_days": days, "events": result.events,
               "profiles": len(written), "profiles_by_source": by_source, "timings_s": timings}
    logger.info("learning aggregation finished", extra=summary)
    return summary
