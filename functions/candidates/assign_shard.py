"""Candidates task (one per Map item): assign one snapshot shard and write the segments back."""

from segmentation.candidates.pipeline_steps import assign_shard
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda shard: assign_shard(shard["run_id"], shard["key"], shard["number"], shard["version"]))
