"""Learning events sent by the browser extension: per-event validation and the stored form.

A batch's envelope is checked by the HTTP handler (422 for an empty batch or an item that is not an
object); each event is then validated on its own here, so one malformed event is reported with its
index and reason while the others are stored.
"""

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from segmentation.learning.ats import ats_family, normalize_host
from segmentation.learning.segment_key import derive_segment_key

MAX_BATCH = 100
MAX_CLOCK_SKEW = timedelta(minutes=5)
_ID = r"^[A-Za-z0-9._:\-]+$"  # no '#': ids are parts of item keys


class JobInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str | None = Field(default=None, max_length=300)


class LearningEvent(BaseModel):
    """One generation run on a form and what the user did with it."""

    model_config = ConfigDict(extra="ignore")
    event_id: str = Field(min_length=1, max_length=128, pattern=_ID,
                          description="Unique id of the event (a UUID); a re-sent event is stored once.")
    host: str = Field(min_length=1, max_length=253, description="Host of the application form's page.")
    schema_hash: str = Field(min_length=1, max_length=128, pattern=_ID, description="Hash of the form's fields.")
    gen_style_id: str = Field(min_length=1, max_length=64, pattern=_ID, description="Style the answers used.")
    feedback_status: Literal["helpful", "unhelpful", "none"]
    edit_chars: int = Field(ge=0, le=1_000_000, strict=True, description="Characters the user edited.")
    application_id: str | None = Field(default=None, min_length=1, max_length=128)
    job: JobInfo | None = Field(default=None, description="The job applied to; its title gives the segment key.")
    occurred_at: datetime | None = Field(default=None, description="When it happened (default: when received).")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return normalize_host(value)

    @field_validator("occurred_at")
    @classmethod
    def _occurred_at(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if value > datetime.now(UTC) + MAX_CLOCK_SKEW:
            raise ValueError("occurred_at is in the future")
        return value


def stored_event(event: LearningEvent, received_at: datetime) -> dict[str, Any]:
    """The event as stored: with its ATS family, segment key and timestamps."""
    occurred = event.occurred_at or received_at
    return {
        "event_id": event.event_id, "host": event.host, "schema_hash": event.schema_hash,
        "family": ats_family(event.host), "segment_key": derive_segment_key(event.job.model_dump() if event.job
                                                                            else None),
        "gen_style_id": event.gen_style_id, "feedback_status": event.feedback_status,
        "edit_chars": event.edit_chars, "application_id": event.application_id,
        "job_title": event.job.title if event.job else None,
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "received_at": received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def validate_batch(events: list[dict[str, Any]], received_at: datetime) -> tuple[list[dict[str, Any]],
                                                                                  list[dict[str, Any]]]:
    """(valid events in stored form, rejections [{index, reason, errors: [{field, message}]}])."""
    valid, rejected = [], []
    for index, raw in enumerate(events):
        try:
            valid.append(stored_event(LearningEvent.model_validate(raw), received_at))
        except ValidationError as error:
            errors = [{"field": ".".join(["body", "events", str(index), *map(str, e["loc"])]), "message": e["msg"]}
                      for e in error.errors()]
            rejected.append({"index": index, "reason": "; ".join(f"{e['field']}: {e['message']}" for e in errors),
                             "errors": errors})
    return valid, rejected
