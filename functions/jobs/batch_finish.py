"""Batch segmentation task: join the shards' results into batch/results/{name}.jsonl, with the error report."""

from segmentation.platform.api import batch_handler
from segmentation.text.batch import finish_batch

handler = batch_handler(lambda event: finish_batch(event["plan"], event["segmented"]))
