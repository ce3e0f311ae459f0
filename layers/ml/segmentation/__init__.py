"""Shared Lambda layer of the audience segmentation platform: domain and ML code used by every handler."""

__version__ = "0.1.0"
