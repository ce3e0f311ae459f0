"""Candidates import task (one per Map item): upsert one shard of accepted rows."""

from segmentation.candidates.pipeline_steps import write_import_shard
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda shard: write_import_shard(shard["run_id"], shard["key"], shard["number"],
                                                           shard.get("principal")))
