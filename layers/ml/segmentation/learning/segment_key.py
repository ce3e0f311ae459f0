"""The segment key of a learning event: the role level named by the job title (seed 004).

One classifier for the platform: the levels are text/seniority.py's title levels (the jobs service's
word list, with its traps: "senior living", "lead abatement", "data entry clerk", "staff nurse", "high
school principal", "co-op store", ...), read in seed 004's vocabulary:

    intern -> intern, junior -> junior, senior -> senior, mid (or no level word) -> default

None when there is no job or no title. Only the title is read, never the ad text.
"""

from typing import Any

from segmentation.text.seniority import title_level as _seniority

LEVELS = ("intern", "junior", "senior", "default")
SEGMENT_KEYS = {"intern": "intern", "junior": "junior", "mid": "default", "senior": "senior"}


def title_level(title: str) -> str:
    """The segment key of a non-empty title: one of LEVELS."""
    return SEGMENT_KEYS[_seniority(title) or "mid"]


def derive_segment_key(job: Any) -> str | None:
    """The segment key of an event's `job` ({"title", ...}); None when there is no job or no title."""
    if not isinstance(job, dict):
        return None
    title = job.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    return title_level(title)
