"""Request and response models of the candidates API (/api/candidates), shared by its handlers, the
bulk import and the `ml` CLI. Strict: unknown fields, wrong types (a number sent as a string), negative
experience or salary and over-long strings are refused, naming the field."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from segmentation.platform.errors import InvalidInput

RESERVED_IDS = frozenset({"segments", "segmentation"})  # path words under /api/candidates
MAX_BATCH = 500  # candidates per POST /api/candidates
MAX_SKILLS_PER_CANDIDATE = 50
CANDIDATE_ID_PATTERN = r"^[A-Za-z0-9._:@+\-]{1,128}$"
FEATURE_FIELDS = ("years_experience", "desired_salary", "location", "education_level", "primary_skill", "skills")
CONTACT_FIELDS = ("full_name", "email", "phone")


def _not_reserved(value: str) -> str:
    if value.lower() in RESERVED_IDS:
        raise ValueError(f"'{value}' is a reserved word of the API ({', '.join(sorted(RESERVED_IDS))}), "
                         "not a candidate id")
    return value


CandidateId = Annotated[str, StringConstraints(pattern=CANDIDATE_ID_PATTERN), AfterValidator(_not_reserved)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Years = Annotated[float, Field(ge=0, le=70, description="Years of professional experience.")]
Salary = Annotated[float, Field(ge=0, le=10_000_000, description="Desired yearly salary (one currency per pool).")]
SegmentId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CandidateFields(_Strict):
    """The profile: what segmentation reads, plus contact fields (stored, never logged, never features).
    Every feature may be missing (null or absent); docs/candidates.md says how a missing value is encoded."""

    years_experience: Years | None = None
    desired_salary: Salary | None = None
    location: Category | None = None
    education_level: Category | None = None
    primary_skill: Category | None = None
    skills: Annotated[list[Skill], Field(max_length=MAX_SKILLS_PER_CANDIDATE)] = []
    full_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}$")] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+()./ \-]{3,40}$")] | None = None


class CandidateCreate(CandidateFields):
    candidate_id: CandidateId


class CandidateBatch(_Strict):
    candidates: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


class CandidateUpdate(CandidateFields):
    """PATCH/PUT: only the fields sent change; a feature or contact field sent as null is cleared."""

    @model_validator(mode="after")
    def names_a_field(self) -> "CandidateUpdate":
        if not self.model_fields_set:
            raise ValueError("the update names no field")
        return self


class Explanation(BaseModel):
    feature: str = Field(description="years_experience, desired_salary, location, education_level, "
                                     "primary_skill or skills")
    value: str | float | None = Field(description="The candidate's value (the skill, for skills).")
    share: float = Field(description="This feature's share of what pulls the candidate to its segment rather "
                                     "than the next nearest one.")
    has: bool | None = Field(default=None, description="For skills: whether the candidate has the skill (lacking "
                                                       "one can pull too).")


class Candidate(BaseModel):
    candidate_id: str
    years_experience: float | None
    desired_salary: float | None
    location: str | None
    education_level: str | None
    primary_skill: str | None
    skills: list[str]
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    segment_id: str | None = Field(description="Null until a promoted model assigns the candidate.")
    segment_name: str | None = None
    segment_confidence: float | None
    segment_explanation: list[Explanation] | None = None
    model_version: str | None
    assigned_at: datetime | None
    assignment_error: str | None = Field(default=None, description="Why the candidate could not be assigned "
                                         "(the model file that is missing or corrupt); null otherwise.")
    created_at: datetime
    updated_at: datetime


class CandidatesCreated(BaseModel):
    created: int
    candidates: list[Candidate]


class CandidatePage(BaseModel):
    items: list[Candidate]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class CandidateDeleted(BaseModel):
    candidate_id: str
    deleted: bool


class NumericProfile(BaseModel):
    median: float | None
    p10: float | None
    p90: float | None
    missing_share: float


class CategoryShare(BaseModel):
    value: str
    share: float = Field(description="Share of the segment's candidates with this value.")
    pool_share: float = Field(description="Share of the whole pool with this value.")
    lift: float = Field(description="share / pool_share.")


class SegmentProfile(BaseModel):
    years_experience: NumericProfile
    desired_salary: NumericProfile
    location: list[CategoryShare]
    education_level: list[CategoryShare]
    primary_skill: list[CategoryShare]
    skills: list[CategoryShare]


class CandidateSegment(BaseModel):
    segment_id: str
    name: str
    size: int = Field(description="Training candidates in the segment.")
    share: float
    profile: SegmentProfile


class SegmentList(BaseModel):
    model_version: str
    segments: list[CandidateSegment]


class SegmentDetail(CandidateSegment):
    model_version: str


class TrainRequest(_Strict):
    clusters: Annotated[int, Field(ge=2, le=50)] | Literal["auto"] | None = Field(
        default=None, description="K for K-means, or auto (silhouette over 2..10); default 5 as the seed's CLI.")


class RunStarted(BaseModel):
    run_id: str
    kind: Literal["train", "predict", "import"]
    status: Literal["RUNNING"]
    status_url: str


class Run(BaseModel):
    run_id: str
    kind: str
    status: Literal["RUNNING", "SUCCEEDED", "FAILED"]
    step: str | None = Field(description="The state the run is in (or ended in).")
    started_at: datetime | None
    finished_at: datetime | None = None
    counts: dict[str, int] = {}
    result: dict[str, Any] | None = None
    error: str | None = None
    cause: str | None = None


class PredictRequest(_Strict):
    pass


class PredictResult(BaseModel):
    """The seed's segment_candidates() answer, plus the model version."""

    num_candidates: int
    segments: dict[str, int]
    model_version: str


class MatchedSkill(BaseModel):
    skill: str
    share: float = Field(description="Share of the segment's candidates with the skill.")


class RankedSegment(BaseModel):
    segment_id: str
    name: str
    size: int
    score: float = Field(description="0.7 x skill_fit + 0.3 x seniority_fit (docs/candidates.md).")
    skill_fit: float
    seniority_fit: float
    matched_skills: list[MatchedSkill]
    targeted: bool = Field(description="The ad's targetCandidateSegments names this segment.")


class JobAdCandidateSegments(BaseModel):
    jobAdId: int
    modelVersion: str
    seniority: Literal["intern", "junior", "mid", "senior"]
    adSkills: list[str] = Field(description="Skills of the candidate model's vocabulary the ad names.")
    segments: list[RankedSegment]
    unknownTargets: list[str] = Field(description="Targeted segment ids the promoted model does not have.")


# ---------------------------------------------------------------- validation reports
class BatchInvalid(InvalidInput):
    """Some items of a batch are invalid: nothing was written. `items` is the per-item report."""

    def __init__(self, items: list[dict[str, Any]], where: str = "candidates"):
        first = items[0]
        super().__init__(f"{len(items)} of the {where} are invalid; nothing was written "
                         f"(first: item {first['index']}: {first['errors'][0]['field']}: "
                         f"{first['errors'][0]['message']})", field=f"body.{where}")
        self.items = items

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": f"body.candidates.{item['index']}.{e['field']}", "message": e["message"]}
                for item in self.items for e in item["errors"]]


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(p) for p in e["loc"]) or "(row)", "message": e["msg"]} for e in error.errors()]


def validate_batch(body: Any) -> list[CandidateCreate]:
    """POST /api/candidates: one candidate object, or {"candidates": [...]} (1..500). All or nothing:
    any invalid item (or a candidate_id repeated in the batch) fails the whole request."""
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object: a candidate, or {\"candidates\": [...]}", field="body")
    if "candidates" not in body:
        try:
            return [CandidateCreate.model_validate(body)]
        except ValidationError as error:
            raise BatchInvalid([{"index": 0, "candidate_id": body.get("candidate_id"),
                                 "errors": field_errors(error)}], where="candidate") from error
    try:
        batch = CandidateBatch.model_validate(body)
    except ValidationError as error:
        problem = field_errors(error)[0]
        raise InvalidInput(problem["message"], field=f"body.{problem['field']}") from error
    accepted, report, seen = [], [], set()
    for index, item in enumerate(batch.candidates):
        try:
            candidate = CandidateCreate.model_validate(item)
        except ValidationError as error:
            report.append({"index": index, "candidate_id": item.get("candidate_id"), "errors": field_errors(error)})
            continue
        if candidate.candidate_id in seen:
            report.append({"index": index, "candidate_id": candidate.candidate_id, "errors": [
                {"field": "candidate_id", "message": "repeats an earlier item of this batch"}]})
        seen.add(candidate.candidate_id)
        accepted.append(candidate)
    if report:
        raise BatchInvalid(report)
    return accepted
