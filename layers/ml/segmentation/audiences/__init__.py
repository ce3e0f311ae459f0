"""Audiences: the natural-language audience builder (seed 003)."""
