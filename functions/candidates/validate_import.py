"""Candidates import task: validate every row of the file; accepted rows into shards, rejected into the report."""

from segmentation.candidates.pipeline_steps import validate_import
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: validate_import(event["run_id"], event["file"]["bucket"], event["file"]["key"]))
