"""S3 ObjectCreated under batch/ads/: start a batch segmentation run for the uploaded JSON Lines file."""

from segmentation.platform.api import batch_handler
from segmentation.text.batch import start_from_s3_event

handler = batch_handler(lambda event: {"runs": start_from_s3_event(event)})
