"""Training Catch target: record a failed or rejected run."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import record_failure

handler = batch_handler(
    lambda event: record_failure(event["run_id"], event.get("corpus"), event["error"], event["cause"])
)
