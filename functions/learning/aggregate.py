"""Step Functions task of the learning aggregator: style hints for every form seen in the window."""

from segmentation.learning.aggregator import aggregate
from segmentation.platform.api import batch_handler

handler = batch_handler(aggregate)
