"""Candidates task (training and prediction): snapshot the pool into shards."""

from segmentation.candidates.pipeline_steps import snapshot
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: snapshot(event["run_id"], event["kind"], event.get("clusters")))
