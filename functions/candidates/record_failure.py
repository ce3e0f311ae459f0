"""Candidates Catch target: record a failed run (latest stays as it was)."""

from segmentation.candidates.pipeline_steps import record_failure
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: record_failure(event["run_id"], event["error"], event["cause"]))
