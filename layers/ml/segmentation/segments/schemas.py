"""Request and response models of the segments API (/api/v1/segments), shared by its handlers."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from segmentation.platform.errors import InvalidInput
from segmentation.segments.criteria import Strategy, UserProfile

Status = Literal["active", "paused", "archived"]
SegmentName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:@+\-]{1,128}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page (1-100).")]
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page.")]
USER_ID_PATTERN = r"^[A-Za-z0-9._:@+\-]{1,128}$"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentCreate(_Request):
    persona_id: UUID
    segment_name: SegmentName
    description: Description | None = None
    criteria: dict[str, Any] = Field(description="Criteria the strategy allows (see docs/segments.md).")
    strategy: Strategy = "hybrid"
    status: Status = "active"
    estimated_size: Count | None = None


class SegmentUpdate(_Request):
    """Only the fields sent change; `description` and `estimated_size` may be set to null to clear them."""

    persona_id: UUID = None
    segment_name: SegmentName = None
    description: Description | None = None
    criteria: dict[str, Any] = None
    strategy: Strategy = None
    status: Status = None
    estimated_size: Count | None = None


class Segment(BaseModel):
    id: UUID
    persona_id: UUID
    segment_name: str
    description: str | None
    criteria: dict[str, Any]
    strategy: Strategy
    status: Status
    performance_metrics: dict[str, Any] | None
    estimated_size: int | None
    member_count: int
    created_at: datetime
    updated_at: datetime
    last_analyzed_at: datetime | None


class SegmentPage(BaseModel):
    items: list[Segment]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class SegmentDeleted(BaseModel):
    id: UUID
    deleted: bool
    members_removed: int
    content_removed: int


Reason = Annotated[str, StringConstraints(max_length=500)]
ConfidenceQuery = Annotated[float | None, Query(ge=0.0, le=1.0, description="0-1 (seed 001's form); default 1.0.")]
ReasonQuery = Annotated[Reason | None, Query(description="Why the user is in the segment.")]


class MemberAdd(_Request):
    confidence_score: float | None = Field(default=None, ge=0.0, le=1.0)
    assignment_reason: Reason | None = None


def member_request(query_score: float | None, query_reason: str | None,
                   body: MemberAdd | None) -> tuple[float, str | None]:
    """The score and reason of an add-member call from its query parameters and/or body; a value given
    both ways must agree (InvalidInput naming the query parameter otherwise)."""
    body = body or MemberAdd()
    for name, query_value, body_value in (("confidence_score", query_score, body.confidence_score),
                                          ("assignment_reason", query_reason, body.assignment_reason)):
        if query_value is not None and body_value is not None and query_value != body_value:
            raise InvalidInput(f"{name} is given as a query parameter ({query_value!r}) and in the body "
                               f"({body_value!r}) with different values; send it once", field=f"query.{name}")
    score = query_score if query_score is not None else body.confidence_score
    return (1.0 if score is None else score), (query_reason if query_reason is not None else body.assignment_reason)


class Member(BaseModel):
    segment_id: UUID
    user_id: str
    confidence_score: float
    assignment_reason: str | None
    joined_at: datetime = Field(description="When the user joined (seed 001's column).")
    added_at: datetime = Field(description="Same as joined_at (kept for earlier clients).")
    updated_at: datetime


class MemberAdded(BaseModel):
    member: Member
    created: bool = Field(description="False when the user was a member already (score and reason updated).")
    member_count: int


class MemberRemoved(BaseModel):
    segment_id: UUID
    user_id: str
    removed: bool = Field(description="False when the user was not a member.")
    member_count: int


class MemberPage(BaseModel):
    items: list[Member]
    next_cursor: str | None


class EvaluateRequest(_Request):
    profile: UserProfile


class FailedCriterion(BaseModel):
    criterion: str
    attribute: str
    expected: Any
    actual: Any
    reason: str


class Evaluation(BaseModel):
    segment_id: UUID
    strategy: Strategy
    matches: bool
    matched: list[str]
    failed: list[FailedCriterion]


class PersonalizedCreate(_Request):
    content_id: Label
    segment_id: UUID
    variant_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._\-]{1,100}$")] | None = Field(
        default=None, description="A/B variant name, unique in the segment; omitted (seed 001's workflow), the "
                                  "content is its own variant: variant_id is its id.")
    is_control: bool = False


class PersonalizedContent(BaseModel):
    id: UUID
    content_id: str
    segment_id: UUID
    variant_id: str
    is_control: bool
    view_count: int
    engagement_count: int
    conversion_count: int
    views: int = Field(description="Same as view_count (the name performance updates use).")
    engagement: int = Field(description="Same as engagement_count.")
    conversions: int = Field(description="Same as conversion_count.")
    performance: dict[str, int] = Field(description="Seed 001's performance column: views, engagement, conversions.")
    engagement_rate: float = Field(description="Percent: 100 * engagement / views.")
    conversion_rate: float = Field(description="Percent: 100 * conversions / views.")
    published_at: datetime = Field(description="When the content was published to the segment (its mapping).")
    created_at: datetime
    updated_at: datetime


class PerformanceUpdate(_Request):
    """Increments, added atomically to the content's counters."""

    views: Count = 0
    engagement: Count = 0
    conversions: Count = 0

    @model_validator(mode="after")
    def something_to_add(self) -> "PerformanceUpdate":
        if not (self.views or self.engagement or self.conversions):
            raise ValueError("at least one of views, engagement, conversions must be positive")
        return self


class PerformancePoint(BaseModel):
    recorded_at: datetime
    views: int
    engagement: int
    conversions: int


class PerformanceSeries(BaseModel):
    personalized_id: UUID
    items: list[PerformancePoint] = Field(description="Newest first.")
    next_cursor: str | None


class GrowthPoint(BaseModel):
    date: str
    added: int
    removed: int
    net: int


class Growth(BaseModel):
    days: int
    added: int
    removed: int
    net: int
    growth_rate: float | None = Field(description="net / member count at the start of the window.")
    daily: list[GrowthPoint]


class PerformanceSummary(BaseModel):
    content_count: int
    views: int
    engagement: int
    conversions: int
    avg_engagement_rate: float = Field(description="Percent: mean engagement rate of the content with views "
                                                   "(seed 001 prints it with % and compares it with < 10).")
    overall_engagement_rate: float
    overall_conversion_rate: float


class TrendPoint(BaseModel):
    date: str
    views: int
    engagement: int
    conversions: int
    engagement_rate: float


class EngagementTrend(BaseModel):
    days: int
    direction: Literal["up", "down", "flat", "insufficient_data"]
    engagement_rate_change: float | None
    daily: list[TrendPoint]


class ZTest(BaseModel):
    z_score: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence_level: float


class BayesianComparison(BaseModel):
    chance_to_beat_control: float
    expected_loss: float = Field(description="E[max(p_control - p_variant, 0)]: the cost of choosing the variant.")
    expected_loss_control: float


class SampleRatioCheck(BaseModel):
    chi_square: float
    dof: int
    p_value: float
    mismatch: bool = Field(description="p < 0.001")


class ControlArm(BaseModel):
    personalized_id: UUID
    variant_id: str
    content_id: str
    views: int
    conversions: int
    conversion_rate: float


class VariantArm(ControlArm):
    absolute_lift: float | None
    relative_lift: float | None
    z_test: ZTest | None
    significant: bool
    bayesian: BayesianComparison | None
    srm: SampleRatioCheck | None
    winner: bool


class ABTest(BaseModel):
    status: Literal["no_control", "no_variants", "running"]
    control: ControlArm | None
    variants: list[VariantArm]
    srm: SampleRatioCheck | None


class Recommendation(BaseModel):
    code: str
    priority: Literal["low", "medium", "high"]
    message: str


class Analytics(BaseModel):
    segment_id: UUID
    member_count: int
    growth: Growth
    performance_summary: PerformanceSummary
    top_performing_content: list[PersonalizedContent]
    engagement_trend: EngagementTrend
    ab_test: ABTest
    recommendations: list[Recommendation]
    generated_at: datetime
