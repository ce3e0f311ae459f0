"""GET /api/candidates: candidates in candidate_id order, of one segment (segment_id, or `unassigned`) or of
the whole pool; cursor pages (Query on an index, never Scan)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.candidates import service
from segmentation.candidates.schemas import CandidatePage
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/candidates")
def list_candidates(
        segment_id: Annotated[str | None, Query(pattern=r"^([0-9]{1,6}|unassigned)$",
                                                description="A segment id, or `unassigned`.")] = None,
        limit: Annotated[int, Query(ge=1, le=100, description="Items per page (1-100).")] = 20,
        cursor: Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page.")] = None,
) -> CandidatePage:
    items, next_cursor = service.list_candidates(segment_id, limit, cursor)
    return CandidatePage(items=items, next_cursor=next_cursor)


handler = http_handler(app)
