"""Training task (one per Map item): embed one shard of the corpus."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import embed_shard

handler = batch_handler(lambda shard: embed_shard(shard["run_id"], shard["corpus"], shard["start"], shard["end"]))
