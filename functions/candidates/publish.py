"""Candidates training task: promote the version to latest if its gates passed (else PromotionRefused)."""

from segmentation.candidates.pipeline_steps import publish
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: publish(event["version"]))
