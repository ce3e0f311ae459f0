"""Learning service: segment-aware style tuning with hierarchical fallback."""
