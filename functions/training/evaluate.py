"""Training task: metrics and quality gates; publishes the model version (not yet promoted)."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import evaluate_and_publish

handler = batch_handler(lambda event: evaluate_and_publish(event["run_id"], event["corpus"]))
