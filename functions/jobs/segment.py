"""POST /segment: job-ad text -> audience cluster, confidence and audience primitives."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from segmentation.platform.api import create_app, http_handler
from segmentation.text.corpus import MAX_TEXT_CHARS, validate_ad_text
from segmentation.text.serving import PromotedSegmenter

app = create_app()
segmenter = PromotedSegmenter()


class SegmentRequest(BaseModel):
    job_ad_text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The job ad's text (title and body).")

    @field_validator("job_ad_text")
    @classmethod
    def not_blank(cls, text: str) -> str:
        return validate_ad_text(text)


class Primitive(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Literal["industry", "skill", "seniority", "keyword", "location"]
    value: str


class SegmentResponse(BaseModel):
    derived_audience_primitives: list[Primitive]
    assigned_cluster_id: str
    cluster_assignment_confidence: float = Field(ge=0.0, le=1.0)
    cluster_profile_name: str
    targeting_mode: Literal["cluster", "broad"]
    model_version: str


@app.post("/segment")
def segment(request: SegmentRequest) -> SegmentResponse:
    return SegmentResponse(**segmenter.get().segment([request.job_ad_text])[0])


handler = http_handler(app)
