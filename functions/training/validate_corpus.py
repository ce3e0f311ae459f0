"""Training state machine task: read and validate the corpus, plan the shards."""

from segmentation.platform.api import batch_handler
from segmentation.text.training_pipeline import DEFAULT_SHARD_SIZE, validate_corpus

handler = batch_handler(
    lambda event: validate_corpus(event["run_id"], event["corpus"]["bucket"], event["corpus"]["key"],
                                  int(event.get("shard_size", DEFAULT_SHARD_SIZE)))
)
