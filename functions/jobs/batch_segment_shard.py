"""Batch segmentation task (one per Map item): segment one shard with the promoted model (the /segment code)."""

from segmentation.platform.api import batch_handler
from segmentation.text.batch import segment_shard
from segmentation.text.serving import PromotedSegmenter

SEGMENTER = PromotedSegmenter()  # warm across invocations: encoder and model loaded once

handler = batch_handler(lambda shard: segment_shard(shard, SEGMENTER.get()))
