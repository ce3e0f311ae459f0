"""Candidates service (seed 002): tabular candidate segmentation. See docs/candidates.md."""
