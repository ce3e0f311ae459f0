"""Training task: read and validate the corpus, plan the embedding shards."""

from segmentation.platform import settings
from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import DEFAULT_SHARD_SIZE, validate_corpus

handler = batch_handler(
    lambda event: validate_corpus(event["run_id"], event["corpus"]["bucket"], event["corpus"]["key"],
                                  int(settings.optional("TRAINING_SHARD_SIZE", str(DEFAULT_SHARD_SIZE))))
)
