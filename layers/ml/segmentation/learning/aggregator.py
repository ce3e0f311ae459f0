"""One aggregator run: read the lookback window, aggregate, write every form profile, publish metrics.
Runs in LearningAggregateFunction, which has the training layer (SciPy ranks the styles)."""

import time
from datetime import UTC, datetime
from typing import Any

from segmentation.learning.aggregation import SOURCES, Aggregate, form_profiles
from segmentation.learning.service import count_metric
from segmentation.learning.store import (
    EventStore,
    ProfileStore,
    RunStore,
    lookback_days,
    new_run_id,
    now_from,
)
from segmentation.platform.api import logger


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def aggregate(event: dict[str, Any], events: EventStore | None = None,
              profiles: ProfileStore | None = None, run_log: RunStore | None = None) -> dict[str, Any]:
    """One aggregator run over the lookback window ending at the schedule event's time. Its summary is
    also stored (GET /api/extension/learning/runs/latest) after the profiles are written."""
    now, days = now_from(event), lookback_days()
    started_at = datetime.now(UTC)
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
    by_source = {source or "none": sum(p["style_hint"]["source"] == source for p in written) for source in SOURCES}
    runs = result.runs_by_family_and_segment()
    for (family, segment), count in sorted(runs.items()):
        count_metric("LearningRunsAggregated", count, family=family, segment=segment)
    for source, count in by_source.items():
        count_metric("LearningProfilesUpdated", count, source=source)
    summary = {"aggregated_at": stamp, "lookback_days": days, "events": result.events,
               "profiles": len(written), "profiles_by_source": by_source, "timings_s": timings}
    (run_log or RunStore()).put({"run_id": new_run_id(), "started_at": _stamp(started_at),
                              "finished_at": _stamp(datetime.now(UTC)), **summary})
    logger.info("learning aggregation finished", extra=summary)
    return summary
