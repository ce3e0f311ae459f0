"""The aggregator's core, without storage: stats per form, per (family, segment) and per family, and each
form's style hint by hierarchical fallback.

A form's hint comes from the first level with enough runs (all styles together) in the window:
the form itself (>= FORM_MIN_RUNS), else the form's segment in its family (>= SEGMENT_MIN_RUNS), else
the family (>= FAMILY_MIN_RUNS), else none (`preferred_style_id` and `source` null, as seed 004's
`(None, {"source": None})`). The hint's `segment_key` is the form's segment whatever the source. The form's
segment key is the most common one among its events (ties: the lowest level first).
Within the chosen level the best style has the highest posterior lower bound (see ranking.py), then
the highest posterior mean, then the fewest edited characters on average, then the smallest id.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from segmentation.learning.ranking import posterior
from segmentation.learning.segment_key import LEVELS

FORM_MIN_RUNS = 5
SEGMENT_MIN_RUNS = 5
FAMILY_MIN_RUNS = 10
SOURCES = ("form", "segment", "family", None)  # None: every level too sparse

# Per style: [runs, helpful, unhelpful, total edited characters]
_Stats = dict[str, list[int]]


def _add(stats: _Stats, style: str, helpful: bool, unhelpful: bool, edit_chars: int) -> None:
    row = stats.get(style)
    if row is None:
        row = stats[style] = [0, 0, 0, 0]
    row[0] += 1
    row[1] += helpful
    row[2] += unhelpful
    row[3] += edit_chars


@dataclass
class Aggregate:
    """Stats accumulated from a window's events."""

    forms: dict[tuple[str, str], _Stats] = field(default_factory=dict)
    form_family: dict[tuple[str, str], str] = field(default_factory=dict)
    form_segments: dict[tuple[str, str], Counter] = field(default_factory=dict)
    segments: dict[tuple[str, str], _Stats] = field(default_factory=dict)
    families: dict[str, _Stats] = field(default_factory=dict)
    events: int = 0

    def add(self, event: dict[str, Any]) -> None:
        """One stored event: host, schema_hash, family, segment_key (or None), gen_style_id,
        feedback_status, edit_chars."""
        form = (event["host"], event["schema_hash"])
        family, segment, style = event["family"], event.get("segment_key"), event["gen_style_id"]
        status, edits = event["feedback_status"], event["edit_chars"]
        helpful, unhelpful = status == "helpful", status == "unhelpful"
        self.events += 1
        if form not in self.forms:
            self.forms[form] = {}
            self.form_family[form] = family
            self.form_segments[form] = Counter()
        _add(self.forms[form], style, helpful, unhelpful, edits)
        _add(self.families.setdefault(family, {}), style, helpful, unhelpful, edits)
        if segment is not None:
            self.form_segments[form][segment] += 1
            _add(self.segments.setdefault((family, segment), {}), style, helpful, unhelpful, edits)

    def add_all(self, events: Iterable[dict[str, Any]]) -> "Aggregate":
        for event in events:
            self.add(event)
        return self

    def runs_by_family_and_segment(self) -> dict[tuple[str, str], int]:
        """Runs per (family, segment key), events without a segment under "none"."""
        runs: Counter = Counter()
        for form, stats in self.forms.items():
            with_segment = sum(self.form_segments[form].values())
            runs[(self.form_family[form], "none")] += _runs(stats) - with_segment
        for (family, segment), stats in self.segments.items():
            runs[(family, segment)] += _runs(stats)
        return {key: count for key, count in runs.items() if count}


def _runs(stats: _Stats) -> int:
    return sum(row[0] for row in stats.values())


def style_stats(stats: _Stats) -> dict[str, dict[str, Any]]:
    """Per style: runs, helpful, unhelpful, no_feedback, mean_edit_chars, posterior_mean, lower_bound."""
    result = {}
    for style, (runs, helpful, unhelpful, edits) in sorted(stats.items()):
        mean, lower = posterior(helpful, unhelpful)
        result[style] = {"runs": runs, "helpful": helpful, "unhelpful": unhelpful,
                         "no_feedback": runs - helpful - unhelpful, "mean_edit_chars": round(edits / runs, 3),
                         "posterior_mean": round(mean, 6), "lower_bound": round(lower, 6)}
    return result


def best_style(stats: dict[str, dict[str, Any]]) -> str | None:
    if not stats:
        return None
    return min(stats, key=lambda s: (-stats[s]["lower_bound"], -stats[s]["posterior_mean"],
                                     stats[s]["mean_edit_chars"], s))


def _segment_key(counts: Counter) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda segment: (-counts[segment], LEVELS.index(segment)))


def style_hint(aggregate: Aggregate, form: tuple[str, str]) -> dict[str, Any]:
    """The hint for one form of the aggregate."""
    family = aggregate.form_family[form]
    segment = _segment_key(aggregate.form_segments[form])
    form_stats = aggregate.forms[form]
    segment_stats = aggregate.segments.get((family, segment), {}) if segment else {}
    family_stats = aggregate.families[family]
    if _runs(form_stats) >= FORM_MIN_RUNS:
        source, chosen = "form", form_stats
    elif _runs(segment_stats) >= SEGMENT_MIN_RUNS:
        source, chosen = "segment", segment_stats
    elif _runs(family_stats) >= FAMILY_MIN_RUNS:
        source, chosen = "family", family_stats
    else:
        source, chosen = None, form_stats
    stats = style_stats(chosen)
    return {"preferred_style_id": best_style(stats) if source else None, "source": source,
            "segment_key": segment, "style_stats": stats}


def form_profiles(aggregate: Aggregate) -> list[dict[str, Any]]:
    """One profile per form seen in the window: host, schema_hash, family, segment_key, runs, style_hint."""
    profiles = []
    for form in sorted(aggregate.forms):
        hint = style_hint(aggregate, form)
        profiles.append({"host": form[0], "schema_hash": form[1], "family": aggregate.form_family[form],
                         "segment_key": hint["segment_key"], "runs": _runs(aggregate.forms[form]),
                         "style_hint": hint})
    return profiles
