"""Response models of the learning service's HTTP API (the OpenAPI document is generated from them)."""

from typing import Any, Literal

from pydantic import BaseModel, Field

# The levels a hint can come from, and "none" for a hint without one (its `source` is null, as in seed 004)
# in the listing filter and the run summary.
Source = Literal["form", "segment", "family", "none"]


class StyleHint(BaseModel):
    preferred_style_id: str | None
    source: Literal["form", "segment", "family"] | None = Field(
        description="The level the hint came from; null when every level is too sparse (seed 004).")
    segment_key: Literal["intern", "junior", "senior", "default"] | None = Field(
        description="The form's segment (seed 004 sets it when the source is the segment; here it is set "
                    "whatever the source, null when the form's events carry no job title).")
    style_stats: dict[str, dict[str, Any]] = Field(
        description="Per style of the level the hint came from: runs, helpful, unhelpful, no_feedback, "
                    "mean_edit_chars, posterior_mean, lower_bound.")


class FormProfile(BaseModel):
    host: str
    schema_hash: str
    family: str
    segment_key: str | None = None
    runs: int = Field(description="Runs on this form in the window.")
    style_hint: StyleHint
    aggregated_at: str
    lookback_days: int


class FormProfilePage(BaseModel):
    items: list[FormProfile]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class AggregatorRun(BaseModel):
    run_id: str
    started_at: str = Field(description="When the run started (UTC, microseconds).")
    finished_at: str = Field(description="When its profiles and this summary were written.")
    aggregated_at: str = Field(description="The end of the window it read (the schedule event's time).")
    lookback_days: int
    events: int = Field(description="Events read in the window.")
    profiles: int = Field(description="Form profiles written.")
    profiles_by_source: dict[Source, int] = Field(
        description="Profiles written per hint source (`none`: hints whose source is null).")
    timings_s: dict[str, float] = Field(description="Seconds spent reading, aggregating and writing.")
