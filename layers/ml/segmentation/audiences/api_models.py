"""Request and response models of the audience builder's HTTP API (the seed's field names)."""

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

DataType = Literal["first_party", "third_party", "clean_room"]
Subtype = Literal["panel", "postal_code", "email", "phone", "rampid", "uid2", "maid"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProcessPayload(Strict):
    input: str | None = Field(None, max_length=500, description="the audience in words (process, refine)")
    data_type: DataType | None = Field(None, description="default third_party")
    subtype: Subtype | None = None
    upload_id: UUID | None = Field(None, description="a validated upload (first_party, clean_room)")
    confirmed_variables: list[str] | None = Field(None, max_length=30, description="codes from suggested_variables")
    min_size: float | None = Field(None, gt=0, description="segment lower bound: a fraction below 1, else a count")
    max_size: float | None = Field(None, gt=0, description="segment upper bound: a fraction below 1, else a count")
    n_clusters: int | None = Field(None, ge=2, le=100, description="default: chosen within the feasible range")


class ProcessRequest(Strict):
    session_id: UUID
    action: Literal["process", "confirm", "refine"]
    payload: ProcessPayload = Field(default_factory=ProcessPayload)


class StartSessionResponse(BaseModel):
    session_id: str
    status: Literal["ready"]
    message: str
    expires_at: str


class ProjectionPoints(BaseModel):
    x: list[float]
    y: list[float]
    group_id: list[int]


class ProjectionCenter(BaseModel):
    group_id: int
    x: float
    y: float


class Projection(BaseModel):
    """The records on the first two principal axes of the encoded features the clusterer split
    (segmentation/clustering/projection.py); a seeded sample of at most 2,000 records."""

    method: Literal["pca"]
    explained_variance_ratio: list[float]
    records: int
    sampled: int
    points: ProjectionPoints | None = Field(description="null in a clean room: no record-level data leaves")
    centers: list[ProjectionCenter]


class ProcessResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: Literal["variables_suggested", "complete"]
    session_id: str
    data_type: DataType
    suggested_variables: dict[str, list[dict[str, Any]]] | None = None
    total_suggested: int | None = None
    segments: list[dict[str, Any]] | None = None
    audience_id: str | None = None
    total_records: int | None = None
    projection: Projection | None = Field(None, description="confirm: a 2-D picture of the segmented records")


class Audience(BaseModel):
    model_config = ConfigDict(extra="allow")
    audience_id: str
    query: str | None
    data_type: DataType
    record_set: str
    total_records: int
    segments: list[dict[str, Any]]
    created_at: str
    created_by: str | None = Field(None, description="Who confirmed it: the caller's token username (issue 17).")


class UploadCreate(Strict):
    filename: str = Field(min_length=1, max_length=200, pattern=r"^[\w.\- ]+\.csv$")
    subtype: Literal["email", "phone", "rampid", "uid2", "maid", "postal_code"]


class UploadTicket(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: str
    max_bytes: int


class DistributeRequest(Strict):
    audience_id: UUID
    platforms: list[Literal["meta", "google", "x", "ttd", "liveramp"]] = Field(min_length=1)
    segments: list[int] | None = Field(None, description="group_ids; default all")
    ad_category: Literal["employment", "housing", "credit", "none"] | None = None


class DistributeResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: Literal["queued", "partial", "refused"]
    distribution_id: str
    results: list[dict[str, Any]]
    created_by: str | None = Field(None, description="Who distributed: the caller's token username (issue 17).")
