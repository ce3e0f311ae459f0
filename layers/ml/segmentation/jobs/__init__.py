"""Jobs service: job ads, scheduling into segmentation, platform targeting, feedback."""
