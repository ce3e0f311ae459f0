"""POST /api/v1/segments/{segment_id}/members/{user_id}: add a member (idempotent; 201 when new).

Seed 001 passes the score as a query parameter (`?confidence_score=0.85`); a JSON body
`{"confidence_score", "assignment_reason"}` is accepted too. Both scores given and different -> 422."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import (
    USER_ID_PATTERN,
    ConfidenceQuery,
    Member,
    MemberAdd,
    MemberAdded,
    ReasonQuery,
    member_request,
)

app = create_app()


@app.post("/api/v1/segments/<segment_id>/members/<user_id>")
def add_member(segment_id: UUID, user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)],
               confidence_score: ConfidenceQuery = None, assignment_reason: ReasonQuery = None,
               request: Annotated[MemberAdd | None, Body()] = None) -> Response[MemberAdded]:
    score, reason = member_request(confidence_score, assignment_reason, request)
    member, created, count = service.add_member(str(segment_id), user_id, score, reason)
    body = MemberAdded(member=Member(**member), created=created, member_count=count)
    return Response(status_code=201 if created else 200, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
