"""S3 ObjectCreated on the corpus prefix: start a training run for the uploaded corpus."""

from segmentation.platform.api import batch_handler
from segmentation.text.retraining import start_from_s3_event

handler = batch_handler(lambda event: {"runs": start_from_s3_event(event)})
