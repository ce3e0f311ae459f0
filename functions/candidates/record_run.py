"""Candidates task: write the record of a successful run."""

from segmentation.candidates.pipeline_steps import record_run
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: record_run(event["run_id"], event["kind"], event["summary"]))
