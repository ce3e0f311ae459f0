"""Segments service: segments, members, personalized content, A/B analytics."""
