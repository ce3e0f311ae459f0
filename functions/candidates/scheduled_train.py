"""EventBridge schedule: retrain the candidate model on the current pool."""

from segmentation.candidates.pipeline_steps import scheduled_training
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda _event: scheduled_training())
