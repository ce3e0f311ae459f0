"""Segment criteria: which criteria each strategy allows, their validation, and evaluating a user
profile against them (as Unomi's profile segments or PostHog's cohorts answer "is this user in?")."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from segmentation.platform.errors import InvalidInput

Strategy = Literal["demographic", "behavioral", "engagement", "hybrid"]
Frequency = Literal["daily", "weekly", "monthly", "rarely"]
Level = Literal["low", "medium", "high"]
FREQUENCY_RANK = {"rarely": 0, "monthly": 1, "weekly": 2, "daily": 3}
LEVEL_RANK = {"low": 0, "medium": 1, "high": 2}
Tags = list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgeRange(_Strict):
    """Seed 001 writes `[min, max]`; `{"min", "max"}` (either bound optional) is accepted too. Stored and
    answered as the seed's `[min, max]` list."""

    min: int = Field(default=0, ge=0, le=150)
    max: int = Field(default=150, ge=0, le=150)

    @model_validator(mode="before")
    @classmethod
    def from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise ValueError("age_range must be [min, max] (two whole numbers) or {\"min\", \"max\"}")
            return {"min": value[0], "max": value[1]}
        return value

    @model_validator(mode="after")
    def ordered(self) -> "AgeRange":
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class PurchaseHistory(_Strict):
    """Seed 001 nests `total_spent_min` here; at least one of the two is required."""

    min_purchases: int | None = Field(default=None, ge=0)
    total_spent_min: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def something_required(self) -> "PurchaseHistory":
        if self.min_purchases is None and self.total_spent_min is None:
            raise ValueError("purchase_history needs min_purchases and/or total_spent_min")
        return self


class Criteria(_Strict):
    """Every criterion there is; a strategy allows a subset (`STRATEGY_FIELDS`)."""

    # demographic
    age_range: AgeRange | None = None
    location: list[str] | None = Field(default=None, min_length=1, description="Any of these locations.")
    gender: list[str] | None = Field(default=None, min_length=1,
                                     description='Any of these genders; "any" matches every profile.')
    interests: list[str] | None = Field(default=None, min_length=1, description="At least one of these.")
    # behavioral
    purchase_history: PurchaseHistory | None = None
    total_spent_min: float | None = Field(default=None, ge=0)
    engagement_frequency: Frequency | None = Field(default=None, description="At least this often.")
    content_preferences: list[str] | None = Field(default=None, min_length=1, description="At least one of these.")
    # engagement
    engagement_level: Level | None = Field(default=None, description="At least this level.")
    avg_session_duration: float | None = Field(default=None, ge=0, description="Minimum, in seconds.")
    last_active_days: int | None = Field(default=None, ge=0, description="Active within this many days.")
    interaction_score_min: float | None = Field(default=None, ge=0)


DEMOGRAPHIC = ("age_range", "location", "gender", "interests")
BEHAVIORAL = ("purchase_history", "total_spent_min", "engagement_frequency", "content_preferences")
ENGAGEMENT = ("engagement_level", "avg_session_duration", "last_active_days", "interaction_score_min")
STRATEGY_FIELDS: dict[str, tuple[str, ...]] = {
    "demographic": DEMOGRAPHIC, "behavioral": BEHAVIORAL, "engagement": ENGAGEMENT,
    "hybrid": DEMOGRAPHIC + BEHAVIORAL + ENGAGEMENT,
}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def validate_criteria(strategy: str, criteria: dict[str, Any], field: str = "body.criteria") -> dict[str, Any]:
    """The criteria, normalized (a single string where a list is expected becomes a list), or InvalidInput
    naming the first offending field."""
    if not criteria:
        raise InvalidInput("criteria must name at least one criterion", field=field)
    allowed = STRATEGY_FIELDS[strategy]
    for name in criteria:
        if name not in allowed:
            raise InvalidInput(f"{name} is not a {strategy} criterion (allowed: {', '.join(allowed)})",
                               field=f"{field}.{name}")
    normalized = {name: _as_list(value) if name in ("location", "gender", "interests", "content_preferences")
                  else value for name, value in criteria.items()}
    try:
        parsed = Criteria.model_validate(normalized)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}", field=f"{field}.{where}") from error
    stored = parsed.model_dump(exclude_unset=True)
    if parsed.age_range is not None:
        stored["age_range"] = [parsed.age_range.min, parsed.age_range.max]
    if parsed.purchase_history is not None:
        stored["purchase_history"] = parsed.purchase_history.model_dump(exclude_none=True)
    return stored


class UserProfile(BaseModel):
    """The attributes a profile is evaluated on; other attributes are allowed and ignored."""

    model_config = ConfigDict(extra="allow")
    age: int | None = Field(default=None, ge=0, le=150)
    location: str | None = None
    gender: str | None = None
    interests: list[str] | None = None
    purchase_count: int | None = Field(default=None, ge=0)
    total_spent: float | None = Field(default=None, ge=0)
    engagement_frequency: Frequency | None = None
    content_preferences: list[str] | None = None
    engagement_level: Level | None = None
    avg_session_duration: float | None = Field(default=None, ge=0, description="Seconds.")
    last_active_days: int | None = Field(default=None, ge=0)
    interaction_score: float | None = Field(default=None, ge=0)


def _folded(values: list[str] | None) -> set[str]:
    return {v.strip().casefold() for v in values or []}


ANY = "any"


# criterion -> (profile attribute, test(criterion value, profile value))
_RULES: dict[str, tuple[str, Any]] = {
    "age_range": ("age", lambda c, v: c[0] <= v <= c[1]),
    "location": ("location", lambda c, v: v.strip().casefold() in _folded(c)),
    "gender": ("gender", lambda c, v: v.strip().casefold() in _folded(c)),
    "interests": ("interests", lambda c, v: bool(_folded(c) & _folded(v))),
    "purchase_history.min_purchases": ("purchase_count", lambda c, v: v >= c),
    "purchase_history.total_spent_min": ("total_spent", lambda c, v: v >= c),
    "total_spent_min": ("total_spent", lambda c, v: v >= c),
    "engagement_frequency": ("engagement_frequency", lambda c, v: FREQUENCY_RANK[v] >= FREQUENCY_RANK[c]),
    "content_preferences": ("content_preferences", lambda c, v: bool(_folded(c) & _folded(v))),
    "engagement_level": ("engagement_level", lambda c, v: LEVEL_RANK[v] >= LEVEL_RANK[c]),
    "avg_session_duration": ("avg_session_duration", lambda c, v: v >= c),
    "last_active_days": ("last_active_days", lambda c, v: v <= c),
    "interaction_score_min": ("interaction_score", lambda c, v: v >= c),
}


def _checks(name: str, expected: Any) -> list[tuple[str, Any]]:
    """(rule, expected value) pairs a criterion is made of: purchase_history has one per bound."""
    if name == "purchase_history":
        return [(f"purchase_history.{key}", value) for key, value in expected.items()]
    return [(name, expected)]


def evaluate(criteria: dict[str, Any], profile: UserProfile) -> dict[str, Any]:
    """Whether the profile meets every criterion, the criteria it met, and each failed one with the
    expected and actual values (a missing attribute fails its criterion)."""
    matched, failed = [], []
    for name, criterion in criteria.items():
        if name == "gender" and ANY in _folded(criterion):
            matched.append(name)  # seed 001's "gender": "any" restricts nothing
            continue
        failures = []
        for rule, expected in _checks(name, criterion):
            attribute, test = _RULES[rule]
            actual = getattr(profile, attribute)
            if actual is None:
                failures.append({"criterion": name, "attribute": attribute, "expected": expected, "actual": None,
                                 "reason": f"the profile has no {attribute}"})
            elif not test(expected, actual):
                failures.append({"criterion": name, "attribute": attribute, "expected": expected, "actual": actual,
                                 "reason": f"{attribute} {actual!r} does not meet {rule} {expected!r}"})
        if failures:
            failed += failures
        else:
            matched.append(name)
    return {"matches": not failed, "matched": matched, "failed": failed}
