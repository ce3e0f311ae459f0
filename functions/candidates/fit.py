"""Candidates training task: fit the seed's pipeline on the snapshot and publish the version (scikit-learn)."""

from segmentation.candidates.pipeline_steps import fit
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: fit(event["run_id"], event["snapshot"]))
