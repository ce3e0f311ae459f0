"""Scheduled (EventBridge): analyze every active segment through the same code as POST .../analyze."""

from segmentation.platform.api import batch_handler
from segmentation.segments import service

handler = batch_handler(lambda _event: service.analyze_active_segments())
