"""GET /api/extension/learning/profile: a form's profile with its style hint."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, Field
from segmentation.learning.ats import normalize_host
from segmentation.learning.store import ProfileStore
from segmentation.platform.api import ErrorResponse, create_app, http_handler

app = create_app()


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


@app.get("/api/extension/learning/profile", responses={
    200: {"description": "The form's profile and style hint"},
    404: {"description": "No profile for this form (never synced, or not aggregated yet)",
          "content": {"application/json": {"model": ErrorResponse}}}})
def get_profile(host: Annotated[str, Query(min_length=1, max_length=253)],
                schema_hash: Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")],
                ) -> FormProfile:
    return FormProfile(**ProfileStore().get(normalize_host(host, field="query.host"), schema_hash))


handler = http_handler(app)
