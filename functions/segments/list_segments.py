"""GET /api/v1/segments: segments, newest first, filtered by persona_id, status and strategy; cursor pages."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.criteria import Strategy
from segmentation.segments.schemas import Cursor, PageLimit, Segment, SegmentPage, Status

app = create_app()


@app.get("/api/v1/segments")
def list_segments(persona_id: Annotated[UUID | None, Query()] = None,
                  status: Annotated[Status | None, Query()] = None,
                  strategy: Annotated[Strategy | None, Query()] = None,
                  limit: PageLimit = 20,
                  cursor: Cursor = None) -> SegmentPage:
    items, next_cursor = service.list_segments(str(persona_id) if persona_id else None, status, strategy, limit,
                                               cursor)
    return SegmentPage(items=[Segment(**item) for item in items], next_cursor=next_cursor)


handler = http_handler(app)
