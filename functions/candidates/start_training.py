"""Candidates import task: start a training run once the import has written its rows."""

from segmentation.candidates.pipeline_steps import start_training_after_import
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: start_training_after_import(event["run_id"], event["accepted"]))
