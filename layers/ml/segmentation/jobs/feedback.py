"""Delivery/performance feedback for job ads, and performance per audience cluster.

A report (impressions, clicks, applies from one platform) is written in one transaction: the event in
EventsTable (conditional on its id, so a re-sent report counts once), the ad's running totals, and the
totals of the ad's cluster under the model version that assigned it. The per-cluster totals are what
later work needs to tune clustering on outcomes.
"""

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from segmentation.jobs.ads import UPDATE_ATTEMPTS, get_ad
from segmentation.jobs.models import ClusterPerformance, JobAd, PerformanceEvent, ad_key
from segmentation.platform import dynamodb
from segmentation.platform.dynamodb import transaction
from segmentation.platform.errors import Conflict

COUNTS = ("impressions", "clicks", "applies")


def cluster_partition(model_version: str) -> str:
    return f"JOBCLUSTER#{model_version}"


def record_performance(job_ad_id: int, event_id: str, platform: str, counts: dict[str, int],
                       occurred_at: datetime | None) -> dict[str, Any]:
    """Store one report; returns {"recorded": bool (False for a duplicate), "ad": the ad's totals}."""
    for _attempt in range(UPDATE_ATTEMPTS):
        ad = get_ad(job_ad_id)
        if ad.audience_cluster_id is None or ad.model_version is None:
            raise Conflict(f"job ad {job_ad_id} has no audience cluster yet; schedule it first")
        now = datetime.now(UTC)
        occurred = occurred_at or now
        event = PerformanceEvent(pk=ad_key(job_ad_id), sk=f"PERF#{event_id}", gsi1pk=f"JOBPERF#{job_ad_id}",
                                 gsi1sk=f"{occurred.isoformat()}#{event_id}", event_id=event_id,
                                 job_ad_id=job_ad_id, platform=platform, occurred_at=occurred, recorded_at=now,
                                 audience_cluster_id=ad.audience_cluster_id, model_version=ad.model_version,
                                 **counts)
        cluster = ClusterPerformance(pk=cluster_partition(ad.model_version), sk=f"CLUSTER#{ad.audience_cluster_id}")
        try:
            with transaction() as writes:
                writes.save(event, condition=PerformanceEvent.sk.does_not_exist())
                writes.update(ad, actions=[getattr(JobAd, name).add(counts[name]) for name in COUNTS])
                writes.update(cluster, actions=[
                    ClusterPerformance.cluster_id.set(ad.audience_cluster_id),
                    ClusterPerformance.profile_name.set(ad.audience_cluster_profile_name),
                    ClusterPerformance.reports.add(1), ClusterPerformance.ad_ids.add({str(job_ad_id)}),
                    *[getattr(ClusterPerformance, name).add(counts[name]) for name in COUNTS]])
        except TransactWriteError as error:
            reasons = [getattr(reason, "code", None) for reason in (error.cancellation_reasons or [])]
            if reasons[:1] == ["ConditionalCheckFailed"]:
                return {"recorded": False, "ad": _totals(get_ad(job_ad_id))}
            if reasons[1:2] == ["ConditionalCheckFailed"]:
                continue  # the ad changed since it was read: read it again
            raise dynamodb.translate(error, "record performance") from error
        return {"recorded": True, "ad": _totals(get_ad(job_ad_id))}
    raise Conflict(f"job ad {job_ad_id} kept changing; try again")


def _totals(ad: JobAd) -> dict[str, int]:
    return {name: int(getattr(ad, name)) for name in COUNTS}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


@dynamodb.translated
def cluster_performance(model_version: str) -> list[dict[str, Any]]:
    """Totals and rates per cluster of one model version (Query on its partition)."""
    rows = list(ClusterPerformance.query(cluster_partition(model_version)))
    report = []
    for row in sorted(rows, key=lambda r: int(r.cluster_id) if r.cluster_id.isdigit() else r.cluster_id):
        impressions, clicks, applies = int(row.impressions), int(row.clicks), int(row.applies)
        report.append({"clusterId": row.cluster_id, "profileName": row.profile_name, "ads": len(row.ad_ids or ()),
                       "reports": int(row.reports), "impressions": impressions, "clicks": clicks, "applies": applies,
                       "clickThroughRate": _rate(clicks, impressions), "applyRate": _rate(applies, clicks)})
    return report
