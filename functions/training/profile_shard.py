"""Training state machine task (one per Map item): term statistics of one corpus shard."""

from segmentation.platform.api import batch_handler
from segmentation.text.training_pipeline import profile_shard

handler = batch_handler(lambda shard: profile_shard(shard["bucket"], shard["key"], shard["start"], shard["end"]))
