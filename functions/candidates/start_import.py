"""S3 ObjectCreated under candidates/import/: start an import run for the uploaded file."""

from segmentation.candidates.pipeline_steps import start_imports_from_s3_event
from segmentation.platform.api import batch_handler

handler = batch_handler(lambda event: {"runs": start_imports_from_s3_event(event)})
