"""Scheduling a job ad into segmentation, the segmentation run itself, and previews.

POST /api/jobs/{id}/schedule marks the ad `scheduled` and puts a `JobAdSegmentationRequested` event on
EventBridge; the SegmentJobAd function receives it and records `segmented` or `segmentation_failed`
with the reason. If the event cannot be queued the ad is marked failed at once and the caller gets 503.
"""

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from segmentation.jobs.ads import get_ad, mark_scheduled, record_segmentation
from segmentation.jobs.models import JobAd
from segmentation.jobs.segmenting import segment_ad
from segmentation.platform import aws, settings
from segmentation.platform.api import logger
from segmentation.platform.errors import DependencyUnavailable, NotFound, PlatformError
from segmentation.text.serving import PromotedSegmenter

EVENT_SOURCE = "segmentation.jobs"
SEGMENTATION_REQUESTED = "JobAdSegmentationRequested"
PREVIEW_FIELDS = ("derivedAudiencePrimitives", "audienceClusterId", "audienceConfidence",
                  "audienceClusterProfileName", "mappedTargeting")


def schedule(job_ad_id: int) -> JobAd:
    _ad, token = mark_scheduled(job_ad_id)
    entry = {"Source": EVENT_SOURCE, "DetailType": SEGMENTATION_REQUESTED,
             "Detail": json.dumps({"jobAdId": job_ad_id, "token": token}),
             "EventBusName": settings.optional("JOBS_EVENT_BUS", "default")}
    try:
        response = aws.client("events").put_events(Entries=[entry])
        if response.get("FailedEntryCount"):
            failed = response["Entries"][0]
            raise DependencyUnavailable(f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")
    except (ClientError, BotoCoreError, DependencyUnavailable) as error:
        reason = f"could not queue segmentation on EventBridge: {error}"
        logger.error("segmentation not queued", extra={"jobAdId": job_ad_id, "error": str(error)})
        record_segmentation(job_ad_id, token, None, reason)
        raise DependencyUnavailable(reason) from error
    return get_ad(job_ad_id)


def _pins(ad: JobAd) -> tuple[str | None, dict[str, Any] | None]:
    return ad.pinned_cluster_id, ad.pinned_targeting.as_dict() if ad.pinned_targeting else None


def run_segmentation(segmenter: PromotedSegmenter, job_ad_id: int, token: str) -> str:
    """Segment a scheduled ad and record the outcome; returns segmented | segmentation_failed | superseded."""
    try:
        ad = get_ad(job_ad_id)
    except NotFound:
        return "superseded"
    if ad.segmentation_token != token or ad.status != "scheduled":
        return "superseded"
    result, error = None, None
    try:
        result = segment_ad(segmenter.get(), ad.title, ad.description, list(ad.locations or []), *_pins(ad))
    except PlatformError as failure:
        error = str(failure)
    except Exception as failure:
        record_segmentation(job_ad_id, token, None, f"unexpected error: {type(failure).__name__}: {failure}")
        raise
    if error:
        logger.warning("segmentation failed", extra={"jobAdId": job_ad_id, "reason": error})
    try:
        recorded = record_segmentation(job_ad_id, token, result, error)
    except NotFound:
        return "superseded"
    return "superseded" if recorded is None else recorded.status


def preview(segmenter: PromotedSegmenter, job_ad_id: int | None, title: str | None, text: str | None
            ) -> dict[str, Any]:
    """segmentationData for a stored ad (with its pins) or an unsaved draft; stores nothing."""
    if job_ad_id is not None:
        ad = get_ad(job_ad_id)
        result = segment_ad(segmenter.get(), ad.title, ad.description, list(ad.locations or []), *_pins(ad))
    else:
        result = segment_ad(segmenter.get(), title or "", text or "", [])
    return {name: result[name] for name in PREVIEW_FIELDS}
