"""Training state machine task: merge the shard results and publish the run record."""

from segmentation.platform.api import batch_handler
from segmentation.text.training_pipeline import publish_run

handler = batch_handler(lambda event: publish_run(event["run_id"], event["corpus"], event["shard_results"]))
