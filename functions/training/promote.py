"""Training task: promote the version to latest if its quality gates passed (else PromotionRefused)."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import promote

handler = batch_handler(lambda event: promote(event["version"]))
