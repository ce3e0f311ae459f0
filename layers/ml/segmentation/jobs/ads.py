"""Job ads: create, read, list, update, delete, schedule into segmentation, record the outcome.

Every write is conditional: updates carry the item's version (PynamoDB VersionAttribute) and only set
the fields they change, so concurrent edits of different fields both land, and an edit racing a
segmentation result is retried on the fresh item. A schedule hands out a token; only the segmentation
run holding the current token may write its result, so a stale or duplicated run never overwrites a
newer one.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from segmentation.jobs.models import (
    ALL_ADS_PARTITION,
        JobAd,
    JobAdCounter,
    ad_key,
    status_partition,
)
from segmentation.platform import dynamodb
from segmentation.platform.errors import Conflict, InvalidInput, NotFound

UPDATE_ATTEMPTS = 5

def confidence_badge(confidence: float | None) -> str | None:
    """green above 0.5, yellow from 0.25 to 0.5, red under 0.25; none before segmentation."""
    if confidence is None:
        return None
    return "green" if confidence > 0.5 else "yellow" if confidence >= 0.25 else "red"


def _now() -> datetime:
    return datetime.now(UTC)


def _index_keys(status: str, updated_at: datetime, job_ad_id: int) -> tuple[str, str]:
    return status_partition(status), f"{updated_at.isoformat()}#{job_ad_id:012d}"




def to_api(ad: JobAd) -> dict[str, Any]:
    """The API shape of an ad (documented camelCase field names)."""
    return {
        "jobAdId": int(ad.job_ad_id), "title": ad.title, "description": ad.description, "company": ad.company,
        "locations": list(ad.locations or []), "status": ad.status, "version": int(ad.version),
        "createdAt": ad.created_at.isoformat(), "updatedAt": ad.updated_at.isoformat(),
        "derivedAudiencePrimitives": ad.derived_audience_primitives,
        "audienceClusterId": ad.audience_cluster_id,
        "audienceConfidence": ad.audience_confidence,
        "audienceClusterProfileName": ad.audience_cluster_profile_name,
        "mappedTargeting": ad.mapped_targeting.as_dict() if ad.mapped_targeting else None,
        "segmentationProcessedAt": ad.segmentation_processed_at.isoformat() if ad.segmentation_processed_at else None,
        "modelVersion": ad.model_version,
        "audienceSource": ad.audience_source,
        "modelChoice": ad.model_choice.as_dict() if ad.model_choice else None,
        "segmentationError": ad.segmentation_error,
        "segmentationRequestedAt": ad.segmentation_requested_at.isoformat() if ad.segmentation_requested_at else None,
        "pinnedClusterId": ad.pinned_cluster_id,
        "pinnedTargeting": ad.pinned_targeting.as_dict() if ad.pinned_targeting else None,
        "targetCandidateSegments": list(ad.target_candidate_segments or []),
        "performance": {"impressions": int(ad.impressions), "clicks": int(ad.clicks), "applies": int(ad.applies)},
        "confidenceBadge": confidence_badge(ad.audience_confidence),
    }


@dynamodb.translated  # the platform's one DynamoDB error translator
def create_ad(title: str, description: str, company: str | None, locations: list[str],
              target_candidate_segments: list[str] | None = None) -> JobAd:
    job_ad_id = _next_id()
    now = _now()
    gsi1pk, gsi1sk = _index_keys("draft", now, job_ad_id)
    ad = JobAd(pk=ad_key(job_ad_id), job_ad_id=job_ad_id, title=title, description=description, company=company,
               locations=locations, target_candidate_segments=target_candidate_segments or None,
               status="draft", created_at=now, updated_at=now, gsi1pk=gsi1pk, gsi1sk=gsi1sk,
               gsi2pk=ALL_ADS_PARTITION, gsi2sk=f"{now.isoformat()}#{job_ad_id:012d}")
    ad.save(condition=JobAd.pk.does_not_exist())
    return ad


def _next_id() -> int:
    counter = JobAdCounter()
    counter.update(actions=[JobAdCounter.value.add(1)])
    return int(counter.value)


@dynamodb.translated
def get_ad(job_ad_id: int) -> JobAd:
    try:
        return JobAd.get(ad_key(job_ad_id), "AD", consistent_read=True)
    except DoesNotExist as error:
        raise NotFound(f"job ad {job_ad_id} not found") from error


def _start_key(cursor: str | None, index: str, partition: str) -> dict[str, Any] | None:
    """The ExclusiveStartKey of a listing's cursor (platform/dynamodb.py's one encoding)."""
    if not cursor:
        return None
    start = dynamodb.decode_cursor(cursor, (f"{index}pk", f"{index}sk"))
    if start[f"{index}pk"]["S"] != partition or not start["pk"]["S"].startswith("JOBAD#"):
        raise InvalidInput("cursor belongs to another listing", field="query.cursor")
    return start


@dynamodb.translated
def list_ads(status: str | None, cursor: str | None, limit: int) -> tuple[list[JobAd], str | None]:
    """Newest first: by status on gsi1 (most recently updated first), else all ads on gsi2 (newest created)."""
    index, partition = ("gsi1", status_partition(status)) if status is not None else ("gsi2", ALL_ADS_PARTITION)
    by_index = JobAd.by_status if status is not None else JobAd.all_ads
    query = by_index.query(partition, scan_index_forward=False, limit=limit,
                           last_evaluated_key=_start_key(cursor, index, partition))
    items = list(query)
    last = query.last_evaluated_key if len(items) == limit else None
    return items, dynamodb.encode_cursor(dynamodb.deserialize(last), (f"{index}pk", f"{index}sk")) if last else None


def _update(job_ad_id: int, changes: Callable[[JobAd], list], condition=None, expected_version: int | None = None,
            status: str | None = None) -> JobAd:
    """Apply `changes(fresh ad)` (PynamoDB update actions) with the version check, retrying on a race."""
    for _attempt in range(UPDATE_ATTEMPTS):
        ad = get_ad(job_ad_id)
        if expected_version is not None and int(ad.version) != expected_version:
            raise Conflict(f"job ad {job_ad_id} is at version {int(ad.version)}, not {expected_version}")
        now = _now()
        gsi1pk, gsi1sk = _index_keys(status or ad.status, now, job_ad_id)
        actions = [*changes(ad), JobAd.updated_at.set(now), JobAd.gsi1pk.set(gsi1pk), JobAd.gsi1sk.set(gsi1sk)]
        if status:
            actions.append(JobAd.status.set(status))
        try:
            ad.update(actions=actions, condition=condition)
            return ad
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            if expected_version is not None:
                raise Conflict(f"job ad {job_ad_id} changed while updating; read it again") from error
    raise Conflict(f"job ad {job_ad_id} kept changing; try again")


@dynamodb.translated
def update_ad(job_ad_id: int, fields: dict[str, Any], expected_version: int | None) -> JobAd:
    """Partial update of the editable fields; `status` may only move to draft or published."""
    setters = {"title": JobAd.title, "description": JobAd.description, "company": JobAd.company,
               "locations": JobAd.locations, "pinnedClusterId": JobAd.pinned_cluster_id,
               "pinnedTargeting": JobAd.pinned_targeting, "targetCandidateSegments": JobAd.target_candidate_segments}
    new_status = fields.get("status")

    def changes(ad: JobAd) -> list:
        if new_status == "published" and ad.status != "segmented":
            raise Conflict(f"job ad {job_ad_id} is {ad.status}; only a segmented ad can be published")
        return [setters[name].remove() if value is None else setters[name].set(value)
                for name, value in fields.items() if name in setters]

    return _update(job_ad_id, changes, expected_version=expected_version, status=new_status)


@dynamodb.translated
def delete_ad(job_ad_id: int) -> None:
    ad = get_ad(job_ad_id)
    try:
        ad.delete()
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict(f"job ad {job_ad_id} changed while deleting; read it again") from error


@dynamodb.translated
def mark_scheduled(job_ad_id: int) -> tuple[JobAd, str]:
    """Move the ad to `scheduled` with a new segmentation token (re-scheduling re-runs segmentation)."""
    token = uuid.uuid4().hex

    def changes(ad: JobAd) -> list:
        if ad.status == "published":
            raise Conflict(f"job ad {job_ad_id} is published; set it back to draft before re-segmenting")
        return [JobAd.segmentation_token.set(token), JobAd.segmentation_requested_at.set(_now()),
                JobAd.segmentation_error.remove()]

    return _update(job_ad_id, changes, status="scheduled"), token


@dynamodb.translated
def record_segmentation(job_ad_id: int, token: str, result: dict[str, Any] | None, error: str | None) -> JobAd | None:
    """Write a segmentation run's outcome if it still holds the ad's current token; None when superseded."""
    def changes(ad: JobAd) -> list:
        if ad.segmentation_token != token or ad.status != "scheduled":
            raise _Superseded
        if error is not None:
            return [JobAd.segmentation_error.set(error)]
        fields = [JobAd.segmentation_processed_at.set(_now()), JobAd.segmentation_error.remove()]
        setters = {"derivedAudiencePrimitives": JobAd.derived_audience_primitives,
                   "audienceClusterId": JobAd.audience_cluster_id, "audienceConfidence": JobAd.audience_confidence,
                   "audienceClusterProfileName": JobAd.audience_cluster_profile_name,
                   "mappedTargeting": JobAd.mapped_targeting, "modelVersion": JobAd.model_version,
                   "audienceSource": JobAd.audience_source, "modelChoice": JobAd.model_choice}
        return fields + [setters[k].remove() if v is None else setters[k].set(v) for k, v in result.items()]

    status = "segmentation_failed" if error is not None else "segmented"
    try:
        return _update(job_ad_id, changes, status=status,
                       condition=(JobAd.segmentation_token == token) & (JobAd.status == "scheduled"))
    except _Superseded:
        return None


class _Superseded(Exception):
    """The ad was re-scheduled, edited to another status or deleted since this run started."""

