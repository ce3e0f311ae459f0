"""Candidates training task: reload the version as serving does and apply the quality gates."""

from segmentation.candidates.pipeline_steps import evaluate
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: evaluate(event["run_id"], event["version"], event["snapshot"]))
