"""POST /api/v1/segments/{segment_id}/members/{user_id}: add a member (idempotent; 201 when new)."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import USER_ID_PATTERN, Member, MemberAdd, MemberAdded

app = create_app()


@app.post("/api/v1/segments/<segment_id>/members/<user_id>")
def add_member(segment_id: UUID, user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)],
               request: Annotated[MemberAdd | None, Body()] = None) -> Response[MemberAdded]:
    request = request or MemberAdd()
    member, created, count = service.add_member(str(segment_id), user_id, request.confidence_score,
                                                request.assignment_reason)
    body = MemberAdded(member=Member(**member), created=created, member_count=count)
    return Response(status_code=201 if created else 200, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
