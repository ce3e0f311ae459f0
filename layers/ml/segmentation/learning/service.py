"""Storing a synced batch of learning events (the request path: no SciPy here; the aggregator run is in
aggregator.py, with the training layer)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from segmentation.learning.events import validate_batch
from segmentation.learning.store import EventStore
from segmentation.platform.api import logger


def count_metric(name: str, value: int, **dimensions: str) -> None:
    """One EMF metric. Namespace and service come from the environment at call time, so the metric is
    right whenever the layer was first imported."""
    with single_metric(name=name, unit=MetricUnit.Count, value=value) as metric:
        for dimension, dimension_value in dimensions.items():
            metric.add_dimension(name=dimension, value=dimension_value)


def sync(events: list[dict[str, Any]], store: EventStore | None = None, caller: str | None = None) -> dict[str, Any]:
    """Validate each event, store the valid ones once each (created_by: `caller`); counts and the rejections
    by index."""
    store = store or EventStore()
    received_at = datetime.now(UTC).replace(microsecond=0)
    valid, rejected = validate_batch(events, received_at)
    stored = sum(store.put_new(event, caller) for event in valid)
    count_metric("LearningEventsStored", stored)
    count_metric("LearningEventsDuplicate", len(valid) - stored)
    count_metric("LearningEventsRejected", len(rejected))
    if rejected:
        logger.info("learning events rejected", extra={"rejected": [{"index": r["index"], "reason": r["reason"]}
                                                                    for r in rejected]})
    return {"accepted": len(valid), "stored": stored, "duplicates": len(valid) - stored,
            "rejected": len(rejected), "rejections": rejected}
