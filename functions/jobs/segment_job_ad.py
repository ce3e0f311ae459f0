"""EventBridge JobAdSegmentationRequested -> segment the ad and record segmented/segmentation_failed."""

from segmentation.jobs.segmenting import run_segmentation
from segmentation.platform.api import batch_handler, logger, metrics
from segmentation.text.serving import PromotedSegmenter

segmenter = PromotedSegmenter()


def segment(event: dict) -> dict:
    detail = event["detail"]
    outcome = run_segmentation(segmenter, int(detail["jobAdId"]), detail["token"])
    metrics.add_metric(name=f"JobAds_{outcome}", unit="Count", value=1)
    logger.info("job ad segmentation", extra={"jobAdId": detail["jobAdId"], "outcome": outcome})
    return {"jobAdId": detail["jobAdId"], "outcome": outcome}


handler = batch_handler(segment)
