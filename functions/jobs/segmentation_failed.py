"""On-failure destination of SegmentJobAdFunction: after Lambda's last asynchronous retry, the ad becomes
segmentation_failed with the reason (the destination record carries the event and the last error)."""

from segmentation.jobs.segmenting import record_retries_exhausted
from segmentation.platform.api import batch_handler, metrics


def record(event: dict) -> dict:
    outcome = record_retries_exhausted(event)
    metrics.add_metric(name="JobAds_retries_exhausted", unit="Count", value=1)
    return {"jobAdId": event["requestPayload"]["detail"]["jobAdId"], "outcome": outcome}


handler = batch_handler(record)
