"""Segmenting a job ad: the /segment serving code, then pins and platform targeting on top; the run
that a schedule starts, and previews."""

from typing import Any

from segmentation.jobs.ads import get_ad, record_segmentation
from segmentation.jobs.models import JobAd
from segmentation.platform import settings
from segmentation.platform.api import logger
from segmentation.platform.errors import InvalidInput, NotFound, PlatformError, TransientError
from segmentation.targeting.form import build_form, resolve_location, validate_pin
from segmentation.targeting.platforms import map_targeting
from segmentation.text.corpus import validate_ad_text
from segmentation.text.serving import PromotedSegmenter, Segmenter, derive_primitives

PREVIEW_FIELDS = ("derivedAudiencePrimitives", "audienceClusterId", "audienceConfidence",
                  "audienceClusterProfileName", "mappedTargeting")


def ad_text(title: str, description: str) -> str:
    """The text the model reads for an ad: as in training (`title. text`)."""
    return f"{title.strip()}. {description.strip()}" if title.strip() else description.strip()


def default_location() -> dict[str, Any]:
    """DEFAULT_TARGET_LOCATION (a country, ISO code or large city; default US) for ads that name no place."""
    name = settings.optional("DEFAULT_TARGET_LOCATION", "US")
    return resolve_location(name, "DEFAULT_TARGET_LOCATION")


def segment_ad(segmenter: Segmenter, title: str, description: str, locations: list[str],
               pinned_cluster_id: str | None = None, pinned_targeting: dict[str, Any] | None = None,
               ) -> dict[str, Any]:
    """The segmentation fields of an ad (API names). A pinned cluster replaces the model's choice and
    always gets cluster targeting; pinned targeting fields replace the derived ones; in both cases
    `modelChoice` records what the model chose on its own."""
    text = validate_ad_text(ad_text(title, description), field="description")
    found = segmenter.segment([text])[0]
    model = segmenter.model
    cluster_id, mode = found["assigned_cluster_id"], found["targeting_mode"]
    primitives = found["derived_audience_primitives"]
    if pinned_cluster_id is not None:
        if pinned_cluster_id not in model.profiles:
            raise InvalidInput(f"pinned cluster {pinned_cluster_id!r} does not exist in model {model.version} "
                               f"(clusters: {sorted(model.profiles, key=int)})", field="pinnedClusterId")
        cluster_id, mode = pinned_cluster_id, "cluster"
        primitives = derive_primitives(model.profiles[cluster_id], text)
    ad_places = [resolve_location(name, "locations") for name in locations]
    pin = validate_pin(pinned_targeting) if pinned_targeting else None
    form = build_form(primitives, mode, ad_places, default_location(), pin)
    pinned = pinned_cluster_id is not None or bool(pinned_targeting)
    return {
        "derivedAudiencePrimitives": primitives,
        "audienceClusterId": cluster_id,
        "audienceConfidence": found["cluster_assignment_confidence"],
        "audienceClusterProfileName": model.profiles[cluster_id]["name"],
        "mappedTargeting": map_targeting(form),
        "modelVersion": model.version,
        "audienceSource": "pinned" if pinned else "model",
        "modelChoice": {
            "audienceClusterId": found["assigned_cluster_id"],
            "audienceConfidence": found["cluster_assignment_confidence"],
            "audienceClusterProfileName": found["cluster_profile_name"],
            "targetingMode": found["targeting_mode"],
        } if pinned else None,
    }


def _pins(ad: JobAd) -> tuple[str | None, dict[str, Any] | None]:
    return ad.pinned_cluster_id, ad.pinned_targeting.as_dict() if ad.pinned_targeting else None


def run_segmentation(segmenter: PromotedSegmenter, job_ad_id: int, token: str) -> str:
    """Segment a scheduled ad and record the outcome; returns segmented | segmentation_failed | superseded.

    A transient failure (TransientError: throttling, timeouts, a dependency's 5xx, from DynamoDB or S3)
    propagates, the ad staying `scheduled`, so Lambda's asynchronous retries run the event again; after
    the last retry the on-failure destination (`record_retries_exhausted`, template.yaml) marks the ad
    `segmentation_failed` with the reason. Any other platform error fails the ad at once."""
    try:
        ad = get_ad(job_ad_id)
    except NotFound:
        return "superseded"
    if ad.segmentation_token != token or ad.status != "scheduled":
        return "superseded"
    result, error = None, None
    try:
        result = segment_ad(segmenter.get(), ad.title, ad.description, list(ad.locations or []), *_pins(ad))
    except TransientError as failure:
        logger.warning("transient failure: left to Lambda's retries", extra={"jobAdId": job_ad_id,
                                                                           "reason": str(failure)})
        raise
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


def record_retries_exhausted(record: dict[str, Any]) -> str:
    """The on-failure destination of the segmentation function: Lambda gave up on an event (its
    `requestPayload`) after `approximateInvokeCount` attempts; the ad becomes `segmentation_failed` with
    the last error, unless it was re-scheduled or changed since (then: superseded)."""
    detail = record["requestPayload"]["detail"]
    response = record.get("responsePayload") or {}
    attempts = record.get("requestContext", {}).get("approximateInvokeCount")
    condition = record.get("requestContext", {}).get("condition", "RetriesExhausted")
    reason = (f"{response.get('errorType', 'Error')}: {response.get('errorMessage', 'unknown error')} "
              f"({condition} after {attempts} attempts)")
    logger.warning("segmentation gave up", extra={"jobAdId": detail["jobAdId"], "reason": reason})
    try:
        recorded = record_segmentation(int(detail["jobAdId"]), detail["token"], None, reason)
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
