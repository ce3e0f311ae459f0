"""Training task: write the run record of a successful run."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import publish_run

handler = batch_handler(
    lambda event: publish_run(event["run_id"], event["corpus"], event["model"], event["promotion"])
)
