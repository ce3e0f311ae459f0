"""Batch segmentation task: check every line of the batch file, write the shards and the error report."""

from segmentation.platform.api import batch_handler
from segmentation.text.batch import plan_batch

handler = batch_handler(lambda event: plan_batch(event["run_id"], event["source"]))
