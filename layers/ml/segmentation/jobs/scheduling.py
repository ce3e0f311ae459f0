"""Scheduling a job ad into segmentation (the run itself is in segmenting.py, which loads the model).

POST /api/jobs/{id}/schedule marks the ad `scheduled` and puts a `JobAdSegmentationRequested` event on
EventBridge; the SegmentJobAd function receives it and records `segmented` or `segmentation_failed`
with the reason. If the event cannot be queued the ad is marked failed at once and the caller gets 503.
"""

import json

from botocore.exceptions import BotoCoreError, ClientError

from segmentation.jobs.ads import get_ad, mark_scheduled, record_segmentation
from segmentation.jobs.models import JobAd
from segmentation.platform import aws, settings
from segmentation.platform.api import logger
from segmentation.platform.errors import DependencyUnavailable

EVENT_SOURCE = "segmentation.jobs"
SEGMENTATION_REQUESTED = "JobAdSegmentationRequested"


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
