"""Request and response models of the jobs API (documented camelCase field names)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from segmentation.jobs.models import STATUSES
from segmentation.targeting.form import resolve_location, validate_pin
from segmentation.targeting.platforms import PLATFORMS
from segmentation.text.corpus import MAX_TEXT_CHARS

Status = Literal[STATUSES]  # type: ignore[valid-type]
Platform = Literal[PLATFORMS]  # type: ignore[valid-type]
Badge = Literal["green", "yellow", "red"]
Seniority = Literal["SENIORITY_ENTRY", "SENIORITY_MID", "SENIORITY_SENIOR"]


def _places(names: list[str]) -> list[str]:
    for name in names:
        resolve_location(name, "locations")
    return names


LOCATIONS_HELP = ('Where the job is, as ads write it: countries, ISO codes, US states and codes, large cities, '
                  '"City, ST", "City, State", "City, Country", "Remote", "Remote (US)".')
LOCATION_HELP = "One place, as `locations` takes them (input only: the ad answers with `locations`)."


def _single_location(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None:
        if info.data.get("locations") is not None:
            raise ValueError("give either location or locations, not both")
        resolve_location(value, "location")
    return value


CandidateSegmentId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}$")]


class PinnedTargeting(BaseModel):
    """Targeting fields a user pins; they replace the derived ones on every (re-)segmentation."""

    model_config = ConfigDict(extra="forbid")
    industries: list[str] | None = Field(None, max_length=10, description="Industry codes, e.g. TECH_SOFTWARE_DEV.")
    skills: list[str] | None = Field(None, max_length=50)
    seniority: list[Seniority] | None = None
    keywords: list[str] | None = Field(None, max_length=50)
    locations: list[str] | None = Field(None, max_length=20, description="Countries, ISO codes, US states, cities.")
    radius_km: float | None = Field(None, ge=1, le=800)
    age_range: list[int] | None = Field(None, description="Accepted, then removed by the employment-ad rules.")
    genders: list[str] | None = Field(None, description="Accepted, then removed by the employment-ad rules.")
    postal_codes: list[str] | None = Field(None, description="Accepted, then removed by the employment-ad rules.")

    @model_validator(mode="after")
    def known_values(self) -> "PinnedTargeting":
        validate_pin(self.as_pin())
        return self

    def as_pin(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class JobAdCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    company: str | None = Field(None, max_length=200)
    locations: list[str] | None = Field(None, max_length=20, description=LOCATIONS_HELP)
    location: str | None = Field(None, max_length=200, description=LOCATION_HELP)
    targetCandidateSegments: list[CandidateSegmentId] = Field(
        default_factory=list, max_length=50, description="Candidate segments (GET /api/candidates/segments) the "
                                                         "campaign targets.")

    @field_validator("location")
    @classmethod
    def one_location(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _single_location(value, info)

    @model_validator(mode="after")
    def as_locations(self) -> "JobAdCreate":
        self.locations = [self.location] if self.location is not None else (self.locations or [])
        return self

    @field_validator("title", "description")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("locations")
    @classmethod
    def known_places(cls, names: list[str]) -> list[str]:
        return _places(names)


class JobAdUpdate(BaseModel):
    """Partial update: only the fields present change; null clears a pin."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=MAX_TEXT_CHARS)
    company: str | None = Field(None, max_length=200)
    locations: list[str] | None = Field(None, max_length=20, description=LOCATIONS_HELP)
    location: str | None = Field(None, max_length=200, description=LOCATION_HELP)
    status: Literal["draft", "published"] | None = Field(
        None, description="Other statuses are set by scheduling; publishing needs a segmented ad.")
    pinnedClusterId: str | None = Field(None, pattern=r"^\d{1,4}$")
    pinnedTargeting: PinnedTargeting | None = None
    targetCandidateSegments: list[CandidateSegmentId] | None = Field(None, max_length=50)
    expectedVersion: int | None = Field(None, ge=1, description="Fail with 409 unless the ad is at this version.")

    @field_validator("locations")
    @classmethod
    def known_places(cls, names: list[str] | None) -> list[str] | None:
        return None if names is None else _places(names)

    @field_validator("location")
    @classmethod
    def one_location(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _single_location(value, info)

    @model_validator(mode="after")
    def required_stay_set(self) -> "JobAdUpdate":
        if "location" in self.model_fields_set:
            if self.location is None:
                raise ValueError("location cannot be null")
            self.locations = [self.location]
            self.model_fields_set.discard("location")
            self.model_fields_set.add("locations")
        for name in ("title", "description", "locations", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if not self.model_fields_set - {"expectedVersion"}:
            raise ValueError("nothing to update")
        return self

    def changes(self) -> dict[str, Any]:
        fields = {name: getattr(self, name) for name in self.model_fields_set if name != "expectedVersion"}
        if fields.get("pinnedTargeting") is not None:
            fields["pinnedTargeting"] = self.pinnedTargeting.as_pin()
        return fields


class Performance(BaseModel):
    impressions: int
    clicks: int
    applies: int


class JobAdResponse(BaseModel):
    jobAdId: int
    title: str
    description: str
    company: str | None
    locations: list[str]
    status: Status
    version: int
    createdAt: datetime
    updatedAt: datetime
    derivedAudiencePrimitives: list[dict[str, Any]] | None
    audienceClusterId: str | None
    audienceConfidence: float | None
    audienceClusterProfileName: str | None
    mappedTargeting: dict[str, Any] | None
    segmentationProcessedAt: datetime | None
    modelVersion: str | None
    audienceSource: Literal["model", "pinned"] | None
    modelChoice: dict[str, Any] | None = Field(description="What the model chose, when a pin overrode it.")
    segmentationError: str | None
    segmentationRequestedAt: datetime | None
    pinnedClusterId: str | None
    pinnedTargeting: dict[str, Any] | None
    targetCandidateSegments: list[str] = []
    performance: Performance
    confidenceBadge: Badge | None = Field(description="green > 0.5, yellow 0.25-0.5, red < 0.25.")


class JobAdPage(BaseModel):
    items: list[JobAdResponse]
    nextCursor: str | None


class TestSegmentationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    jobAdId: int | None = Field(None, ge=1, description="A stored ad (its pins apply).")
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT_CHARS, description="An unsaved draft's text.")
    title: str | None = Field(None, max_length=200, description="The unsaved draft's title, with text.")

    @model_validator(mode="after")
    def one_source(self) -> "TestSegmentationRequest":
        if (self.jobAdId is None) == (self.text is None):
            raise ValueError("give exactly one of jobAdId or text")
        if self.text is not None and not self.text.strip():
            raise ValueError("text must not be blank")
        return self


class SegmentationData(BaseModel):
    derivedAudiencePrimitives: list[dict[str, Any]]
    audienceClusterId: str
    audienceConfidence: float = Field(ge=0.0, le=1.0)
    audienceClusterProfileName: str
    mappedTargeting: dict[str, Any]


class TestSegmentationResponse(BaseModel):
    segmentationData: SegmentationData


class PlatformTargeting(BaseModel):
    jobAdId: int
    platform: Platform
    mode: Literal["cluster", "broad"]
    payload: dict[str, Any] = Field(description="The body the platform's API takes.")
    lookups: list[dict[str, Any]] = Field(description="Names to resolve to platform ids with its search API.")
    rules_applied: list[dict[str, Any]] = Field(description="Employment-ad rules and whether each changed anything.")


class PerformanceReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    eventId: str = Field(min_length=1, max_length=128, description="Idempotency key: a re-sent report counts once.")
    platform: Platform
    impressions: int = Field(0, ge=0)
    clicks: int = Field(0, ge=0)
    applies: int = Field(0, ge=0)
    occurredAt: datetime | None = None


class PerformanceRecorded(BaseModel):
    recorded: bool = Field(description="False when this eventId was already recorded.")
    performance: Performance


class ClusterPerformanceRow(BaseModel):
    clusterId: str
    profileName: str | None
    ads: int
    reports: int
    impressions: int
    clicks: int
    applies: int
    clickThroughRate: float | None
    applyRate: float | None = Field(description="applies / clicks.")


class ClusterPerformanceReport(BaseModel):
    modelVersion: str
    clusters: list[ClusterPerformanceRow]
