"""EventBridge schedule: retrain on the newest corpus if it has not been trained yet."""

from segmentation.platform.api import batch_handler
from segmentation.text.retraining import start_for_latest_corpus

handler = batch_handler(lambda _event: start_for_latest_corpus())
