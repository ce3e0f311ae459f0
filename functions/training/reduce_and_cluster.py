"""Training task: fit the reducer and K-means on the run's embeddings."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import reduce_and_cluster

handler = batch_handler(lambda event: reduce_and_cluster(event["run_id"], event["corpus"], event["shards"]))
