"""Training task: generate the cluster profiles, carrying overrides over from the promoted model."""

from segmentation.platform.api import batch_handler
from segmentation.text.pipeline_steps import build_profiles

handler = batch_handler(lambda event: build_profiles(event["run_id"], event["corpus"]))
