"""POST /api/extension/learning/sync: store a batch of the extension's learning events."""

from typing import Any

from pydantic import BaseModel, Field
from segmentation.learning.events import MAX_BATCH
from segmentation.learning.service import sync
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


class SyncRequest(BaseModel):
    events: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_BATCH,
        description="Learning events: event_id, host, schema_hash, gen_style_id, feedback_status "
                    "(helpful|unhelpful|none), edit_chars, and optionally application_id, job {title}, occurred_at.")


class FieldMessage(BaseModel):
    field: str
    message: str


class Rejection(BaseModel):
    index: int = Field(description="Position of the event in the batch.")
    reason: str
    errors: list[FieldMessage]


class SyncResponse(BaseModel):
    accepted: int = Field(description="Valid events (stored now or before).")
    stored: int = Field(description="Valid events stored by this request.")
    duplicates: int = Field(description="Valid events whose event_id was stored already.")
    rejected: int
    rejections: list[Rejection]


@app.post("/api/extension/learning/sync")
def sync_events(request: SyncRequest) -> SyncResponse:
    return SyncResponse(**sync(request.events, caller=current_caller(app)))


handler = http_handler(app)
